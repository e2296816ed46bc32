import type { Contract } from '@hyperledger/fabric-gateway';
import { z } from 'zod';
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

/** An unsigned key change waiting out its recovery period (chaincode: directory keyChange). */
export const keyChangeSchema = z.object({
  encryptionKey: z.string(),
  signingKey: z.string(),
  requestedAt: z.number().int(),
  effectiveAt: z.number().int(),
});
export type PendingKeyChange = z.infer<typeof keyChangeSchema>;

export const directoryUserSchema = z.object({
  userId: z.string(),
  mspId: z.string(),
  enrollmentId: z.string(),
  status: z.enum(['active', 'disabled']),
  encryptionKey: z.string().optional(),
  signingKey: z.string().optional(),
  keysSince: z.number().int().optional(),
  keyChange: keyChangeSchema.optional(),
});
export type DirectoryUser = z.infer<typeof directoryUserSchema>;

export const keysAtSchema = z.object({
  userId: z.string(),
  encryptionKey: z.string(),
  signingKey: z.string(),
  validFrom: z.number().int(),
});
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
  const call = async <T>(submit: boolean, tx: string, request: unknown, schema: z.ZodType<T>): Promise<T> => {
    const args = { arguments: [JSON.stringify(request)] };
    let bytes: Uint8Array;
    try {
      bytes = submit ? await contract.submit(tx, args) : await contract.evaluate(tx, args);
    } catch (error) {
      throw directoryError(error, `directory.${tx}`);
    }
    return decode(schema, bytes, `directory.${tx}`);
  };
  return {
    publishKeys: (keys) => call(true, 'PublishKeys', keys, directoryUserSchema),
    vetoKeyChange: (signature) => call(true, 'VetoKeyChange', { signature }, directoryUserSchema),
    getUser: (userId) => call(false, 'GetUser', { userId }, directoryUserSchema),
    getKeysAt: (userId, at) => call(false, 'GetKeysAt', { userId, at }, keysAtSchema),
  };
}
