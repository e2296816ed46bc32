import { CryptoError } from './errors';

// Canonical encoding for everything that is authenticated (associated data,
// signed statements, safety-number input): a domain tag, then each field as
// type byte + u32 big-endian length + bytes. Every field carries its own
// length, so bytes cannot move from one field to the next ("ab"+"c" never
// encodes like "a"+"bc"), and the tag keeps one purpose's bytes from being
// valid for another.

export type Field = string | number | Uint8Array;

const TYPE_TEXT = 0x73; // 's'
const TYPE_UINT = 0x75; // 'u'
const TYPE_BYTES = 0x62; // 'b'

const utf8 = new TextEncoder();

function fieldBytes(field: Field): [number, Uint8Array] {
  if (typeof field === 'string') return [TYPE_TEXT, utf8.encode(field)];
  if (typeof field === 'number') {
    if (!Number.isSafeInteger(field) || field < 0) {
      throw new CryptoError('BAD_INPUT', 'encoded numbers must be non-negative safe integers');
    }
    const out = new Uint8Array(8);
    new DataView(out.buffer).setBigUint64(0, BigInt(field));
    return [TYPE_UINT, out];
  }
  return [TYPE_BYTES, field];
}

export function encodeFields(tag: string, fields: readonly Field[]): Uint8Array {
  const parts = [fieldBytes(tag), ...fields.map(fieldBytes)];
  const total = parts.reduce((n, [, b]) => n + 5 + b.length, 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  let at = 0;
  for (const [type, b] of parts) {
    out[at] = type;
    view.setUint32(at + 1, b.length);
    out.set(b, at + 5);
    at += 5 + b.length;
  }
  return out;
}
