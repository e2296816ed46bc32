import type { Contract } from '@hyperledger/fabric-gateway';
import {
  type RequestOf,
  type ResponseOf,
  type TransactionName,
  type UserRecord as DirectoryUser,
  type keysAtSchema,
  transaction,
} from '@ktalk/protocol';
import type { z } from 'zod';
import type { ConnectionProfile } from '../../common/connection-profile';
import type { GatewayConnection } from './gateway';
import { classifyEndorseError } from '../ledger/classify';
import { type ChaincodeCode, chaincodeErrorCode, gatewayErrorText } from '../ledger/errors';

// The client's view of the Directory contract: JSON in, validated JSON out,
// and the chaincode's error code (CONFLICT, NOT_FOUND, ...) surfaced as a
// field instead of buried in the gateway's error details.

export class DirectoryError extends Error {
  override readonly name = 'DirectoryError';

  constructor(
    /**
     * The chaincode's code; ACCESS_DENIED when the peers refused the caller's
     * identity (revoked or expired certificate); null when the call failed
     * otherwise before the chaincode (network, endorsement).
     */
    readonly code: ChaincodeCode | 'ACCESS_DENIED' | null,
    message: string,
  ) {
    super(message);
  }
}

function directoryError(error: unknown, action: string): DirectoryError {
  const denied = classifyEndorseError(error).kind === 'denied';
  return new DirectoryError(
    chaincodeErrorCode(error) ?? (denied ? 'ACCESS_DENIED' : null),
    `${action}: ${gatewayErrorText(error)}`,
  );
}

/** The directory's records (@ktalk/protocol records/directory.ts). */
export {
  keyChangeSchema,
  keysAtSchema,
  userRecordSchema as directoryUserSchema,
  type KeyChange as PendingKeyChange,
  type UserRecord as DirectoryUser,
} from '@ktalk/protocol';
export type KeysAt = z.infer<typeof keysAtSchema>;

export interface PublishedKeys {
  /** base64 of 32 bytes each, as directory.PublishKeys takes them. */
  readonly encryptionKey: string;
  readonly signingKey: string;
  /** The current signing key's signature of the rotation; without it the change waits as a recovery request. */
  readonly signature?: string;
}

export interface DirectoryClient {
  publishKeys(keys: PublishedKeys): Promise<DirectoryUser>;
  /** Refuses the caller's pending key change: the current key's signature of vetoStatement(). */
  vetoKeyChange(signature: string): Promise<DirectoryUser>;
  getUser(userId: string): Promise<DirectoryUser>;
  getKeysAt(userId: string, at: number): Promise<KeysAt>;
}

function decode<T>(schema: z.ZodType<T>, bytes: Uint8Array, action: string): T {
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    throw new DirectoryError(null, `${action}: the answer is not JSON`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success)
    throw new DirectoryError(null, `${action}: unexpected answer (${parsed.error.issues[0]?.message})`);
  return parsed.data;
}

export function directoryClient(connection: GatewayConnection, profile: ConnectionProfile): DirectoryClient {
  const contract: Contract = connection.gateway.getNetwork(profile.channel).getContract(profile.chaincode, 'directory');
  // Typed from the protocol's transaction map, like LedgerClient's calls.
  const call = async <T extends TransactionName<'directory'>>(
    tx: T,
    request: RequestOf<'directory', T>,
  ): Promise<ResponseOf<'directory', T>> => {
    const spec = transaction('directory', tx);
    const schema = spec.response as z.ZodType<ResponseOf<'directory', T>>;
    const args = { arguments: [JSON.stringify(request)] };
    let bytes: Uint8Array;
    try {
      bytes = spec.kind === 'submit' ? await contract.submit(tx, args) : await contract.evaluate(tx, args);
    } catch (error) {
      throw directoryError(error, `directory.${tx}`);
    }
    return decode(schema, bytes, `directory.${tx}`);
  };
  return {
    publishKeys: (keys) => call('PublishKeys', keys),
    vetoKeyChange: (signature) => call('VetoKeyChange', { signature }),
    getUser: (userId) => call('GetUser', { userId }),
    getKeysAt: (userId, at) => call('GetKeysAt', { userId, at }),
  };
}
