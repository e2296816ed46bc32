// Plain-TypeScript base64 checks (the protocol runs where there is no
// Buffer: the chaincode, the Node client and the browser renderer alike).

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const PADDED = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * The number of bytes `text` decodes to if it is canonical padded base64
 * (the only encoding of its bytes: right alphabet, length a multiple of 4,
 * padding only at the end, unused low bits zero), else null.
 */
export function canonicalBase64Length(text: string): number | null {
  if (text.length % 4 !== 0 || !PADDED.test(text)) return null;
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  if (padding > 0) {
    const last = ALPHABET.indexOf(text.charAt(text.length - padding - 1));
    // One pad: the last symbol carries 4 used bits of 6; two pads: 2 of 6.
    const unusedBits = padding === 1 ? 0b11 : 0b1111;
    if (last < 0 || (last & unusedBits) !== 0) return null;
  }
  return (text.length / 4) * 3 - padding;
}
