import type { ApiEvent, Role } from '../../common/api';
import type { ConnectionProfile } from '../../common/connection-profile';
import type { DirectoryClient } from '../fabric/directory';
import type { GatewayConnection, GatewayIdentity } from '../fabric/gateway';
import type { LedgerClient } from '../ledger';
import type { Account, MessagingKey } from '../wallet';

// What every service module gets once a user is signed in: who they are,
// their profile, and the connections and keys they act with. The private
// keys in here never leave the Node side; nothing of this object is sent to
// the UI as is.

export interface ClientSession {
  readonly profile: ConnectionProfile;
  /** The profile's name (`dev` for the development network). */
  readonly profileName: string;
  readonly account: Account;
  /** `<mspId>::<enrollmentId>`, the id the chaincode knows. */
  readonly userId: string;
  readonly role: Role;
  readonly treasury: boolean;
  /** The Fabric signing identity (enrollment certificate and key). */
  readonly identity: GatewayIdentity;
  readonly connection: GatewayConnection;
  readonly ledger: LedgerClient;
  readonly directory: DirectoryClient;
  /** The messaging keys current now (for signing and opening new key wraps). */
  messagingKey(): MessagingKey;
  /** Every key pair this account ever had, oldest first (old ones open old key wraps). */
  allMessagingKeys(): readonly MessagingKey[];
  /** The secret keys current at `at` (ms), to open what was sent then. */
  messagingKeyAt(at: number): MessagingKey | null;
  /** Per-account data directory (store, checkpoints), already created. */
  readonly dataDir: string;
  /** Pushes an event to every UI/CLI listener. */
  emit(event: ApiEvent): void;
}
