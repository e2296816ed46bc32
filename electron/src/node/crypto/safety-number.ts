import { encodeFields } from './encoding';
import { ENCRYPTION_KEY_BYTES, SIGNING_KEY_BYTES } from './identity';
import { loadSodium } from './sodium';
import { bytes, object, text } from './validate';

// A number two users read to each other to check that the directory gave
// each of them the other's real keys. It covers both keys of each user: the
// signing key authenticates messages, but the X25519 key is what epoch keys
// are wrapped to, so a swapped X25519 key would go unnoticed otherwise.
//
// Construction (KTalk's own, in the spirit of Signal's): encode each party
// canonically, sort the two encodings so both sides build the same input,
// hash it with SHA-512 (libsodium's crypto_hash) and then re-hash (digest || input) until
// SAFETY_NUMBER_ITERATIONS hashes are done, which makes grinding keys for
// a look-alike number costlier. The first 60 bytes give 12 groups: each
// 5-byte slice as a big-endian integer mod 100000 (bias below 1e-6).

export const SAFETY_NUMBER_ITERATIONS = 5200;
const GROUPS = 12;
const GROUP_BYTES = 5;

export interface SafetyNumberParty {
  readonly userId: string;
  /** Ed25519 identity key. */
  readonly signingKey: Uint8Array;
  /** X25519 key. */
  readonly encryptionKey: Uint8Array;
}

function partyBytes(p: SafetyNumberParty): Uint8Array {
  object('party', p);
  return encodeFields('ktalk/safety-party/v1', [
    text('userId', p.userId),
    bytes('signingKey', p.signingKey, SIGNING_KEY_BYTES),
    bytes('encryptionKey', p.encryptionKey, ENCRYPTION_KEY_BYTES),
  ]);
}

function lexicographic(a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(a, b);
}

/** "12345 67890 …": 12 groups of 5 digits, the same whichever side computes it. */
export async function safetyNumber(a: SafetyNumberParty, b: SafetyNumberParty): Promise<string> {
  const s = await loadSodium();
  const [first, second] = [partyBytes(a), partyBytes(b)].sort(lexicographic) as [Uint8Array, Uint8Array];
  const input = encodeFields('ktalk/safety-number/v1', [first, second]);

  let digest = s.crypto_hash(input);
  const buffer = new Uint8Array(digest.length + input.length);
  buffer.set(input, digest.length);
  for (let i = 1; i < SAFETY_NUMBER_ITERATIONS; i++) {
    buffer.set(digest, 0);
    digest = s.crypto_hash(buffer);
  }

  const groups: string[] = [];
  for (let g = 0; g < GROUPS; g++) {
    let value = 0;
    for (const byte of digest.subarray(g * GROUP_BYTES, (g + 1) * GROUP_BYTES)) value = value * 256 + byte;
    groups.push(String(value % 100000).padStart(5, '0'));
  }
  return groups.join(' ');
}
