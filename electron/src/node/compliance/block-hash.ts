import { createHash } from 'node:crypto';

// Fabric chains blocks by the SHA-256 of each header's ASN.1 DER encoding,
//   SEQUENCE { number INTEGER, previousHash OCTET STRING, dataHash OCTET STRING }
// (protoutil.BlockHeaderBytes), and binds a header to its transactions by
// dataHash = SHA-256 of the block's data entries concatenated. The encoder
// below covers exactly these three DER types.

export interface HeaderFields {
  readonly number: bigint;
  readonly previousHash: Uint8Array;
  readonly dataHash: Uint8Array;
}

function derLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n % 256);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function tlv(tag: number, content: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from([tag]), derLength(content.length), content]);
}

/** A non-negative INTEGER: minimal big-endian bytes, a leading 0x00 when the top bit is set. */
export function derUnsignedInteger(value: bigint): Buffer {
  if (value < 0n) throw new RangeError('a block number is never negative');
  const bytes: number[] = [];
  for (let n = value; n > 0n; n >>= 8n) bytes.unshift(Number(n & 0xffn));
  if (bytes.length === 0 || (bytes[0] ?? 0) & 0x80) bytes.unshift(0);
  return tlv(0x02, Buffer.from(bytes));
}

export function derOctetString(bytes: Uint8Array): Buffer {
  return tlv(0x04, bytes);
}

export function headerDer(header: HeaderFields): Buffer {
  return tlv(
    0x30,
    Buffer.concat([
      derUnsignedInteger(header.number),
      derOctetString(header.previousHash),
      derOctetString(header.dataHash),
    ]),
  );
}

/** The block hash: what the next header's previousHash and GetChainInfo's currentBlockHash hold. */
export function headerHash(header: HeaderFields): Buffer {
  return createHash('sha256').update(headerDer(header)).digest();
}

export function dataHash(entries: readonly Uint8Array[]): Buffer {
  const hash = createHash('sha256');
  for (const entry of entries) hash.update(entry);
  return hash.digest();
}
