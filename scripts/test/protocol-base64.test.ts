import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { canonicalBase64Length, eventTag, exactBase64 } from '@ktalk/protocol';

// The protocol checks base64 without Buffer (it also runs in the renderer);
// its answer must be Buffer's: canonical means decoding and re-encoding
// gives the same text (the check the chaincode made with Buffer before).

const bufferLength = (text: string): number | null => {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) return null;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes.length : null;
};

describe('canonical base64 in plain TypeScript', () => {
  it('agrees with a Buffer round trip on every length and on tampered padding bits', () => {
    for (let n = 0; n <= 70; n++) {
      const text = randomBytes(n).toString('base64');
      assert.equal(canonicalBase64Length(text), n, text);
      // Flip the last symbol before the padding: unused bits set make it non-canonical.
      if (text.endsWith('=')) {
        const at = text.length - (text.endsWith('==') ? 3 : 2);
        for (const symbol of ['B', 'R', 'Z', 'f', '/']) {
          const tampered = text.slice(0, at) + symbol + text.slice(at + 1);
          assert.equal(canonicalBase64Length(tampered), bufferLength(tampered), tampered);
        }
      }
    }
    for (const odd of ['A', 'AB=', 'A===', '====', 'AB=C', 'ab cd', 'QQ==QQ==', 'QR==', 'QUI=', 'QUJ=']) {
      assert.equal(canonicalBase64Length(odd), bufferLength(odd), odd);
    }
  });

  it('is what the schemas use: exact sizes and 32-byte event tags', () => {
    assert.equal(exactBase64(32).safeParse(randomBytes(32).toString('base64')).success, true);
    assert.equal(exactBase64(32).safeParse(randomBytes(31).toString('base64')).success, false);
    assert.equal(eventTag.safeParse(randomBytes(32).toString('base64')).success, true);
    assert.equal(eventTag.safeParse('QUJ=' + 'A'.repeat(40)).success, false);
  });
});
