import { generateKeyPairSync, sign } from 'node:crypto';

/** A real Ed25519 key pair for key-continuity tests: raw public key as base64, and a signer. */
export interface SigningKey {
  readonly publicKey: string;
  sign(statement: string): string;
}

export function signingKey(): SigningKey {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  // The SPKI DER of an Ed25519 key ends with its raw 32 bytes.
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  return {
    publicKey: raw.toString('base64'),
    sign: (statement) => sign(null, Buffer.from(statement, 'utf8'), privateKey).toString('base64'),
  };
}
