import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { API_METHODS, type ApiMethod } from '../src/common/api';
import { API_ARGS, dispatchApi, isApiMethod, parseApiArgs } from '../src/common/api-args';
import { MAX_FILE_BYTES, MAX_MESSAGE_CHARS } from '../src/common/limits';
import { stubApi } from './support/stub-api';

// Every operation refuses malformed input with the typed BAD_INPUT before
// the implementation runs: nothing is called, so nothing changes.

const takesInput = (method: ApiMethod) => API_ARGS[method].safeParse([]).success === false;

const GARBAGE: unknown[] = [null, 'text', 42, { __proto__: { polluted: true } }, [{ unknownField: 1 }, 'extra']];

describe('API argument schemas', () => {
  it('declare a schema for every method, and only declared names are methods', () => {
    assert.deepEqual(Object.keys(API_ARGS).sort(), [...API_METHODS].sort());
    assert.equal(isApiMethod('constructor'), false);
    assert.equal(isApiMethod('__proto__'), false);
    assert.equal(isApiMethod('sendMessage'), true);
  });

  for (const method of API_METHODS) {
    it(`${method}: malformed arguments are BAD_INPUT and never reach the implementation`, async () => {
      let called = 0;
      const api = stubApi(
        Object.fromEntries(
          API_METHODS.map((m) => [
            m,
            async () => {
              called += 1;
              return { ok: true, value: null };
            },
          ]),
        ),
      );
      const attempts: unknown[] = [...GARBAGE, [{ unknownField: 1 }]];
      if (takesInput(method)) attempts.push([], [null], [[]]);
      else attempts.push([{}]);
      for (const raw of attempts) {
        const parsed = parseApiArgs(method, raw);
        if (parsed.ok) {
          // Reaching the implementation is the failure this test looks for.
          await dispatchApi(api, parsed.value);
          assert.fail(`${method} accepted ${JSON.stringify(raw)}`);
        }
        assert.equal(parsed.error.code, 'BAD_INPUT');
        assert.match(parsed.error.message, new RegExp(`^${method}: `));
      }
      assert.equal(called, 0);
    });
  }

  it('refuses out-of-range values with the field named', () => {
    const tooLong = parseApiArgs('sendMessage', [{ conversationId: 'c1', text: 'x'.repeat(16_001) }]);
    assert.equal(tooLong.ok, false);
    const negative = parseApiArgs('sendPayment', [{ to: 'Org2MSP::bob', amount: -5, memo: '' }]);
    assert.ok(!negative.ok && /amount/.test(negative.error.message));
    const fraction = parseApiArgs('mint', [{ to: 'Org2MSP::bob', amount: 1.5 }]);
    assert.equal(fraction.ok, false);
    const badUser = parseApiArgs('openDirect', [{ userId: 'bob' }]);
    assert.ok(!badUser.ok && /userId/.test(badUser.error.message));
    const window = parseApiArgs('auditQuery', [{ from: 10, to: 5 }]);
    assert.equal(window.ok, false);
    const retention = parseApiArgs('updatePolicy', [{ conversationId: 'g1', policy: { retentionSeconds: 30 } }]);
    assert.equal(retention.ok, false);
    const empty = parseApiArgs('updatePolicy', [{ conversationId: 'g1', policy: {} }]);
    assert.equal(empty.ok, false);
  });

  it('a refusal carries its field, rule and limit as a typed detail, so the UI can say which limit was broken', () => {
    const detail = (method: ApiMethod, input: unknown) => {
      const parsed = parseApiArgs(method, [input]);
      assert.ok(!parsed.ok, `${method} accepted ${JSON.stringify(input).slice(0, 80)}`);
      return parsed.error.detail;
    };
    assert.deepEqual(detail('sendMessage', { conversationId: 'c1', text: 'x'.repeat(MAX_MESSAGE_CHARS + 1) }), {
      field: 'text',
      rule: 'too_long',
      limit: MAX_MESSAGE_CHARS,
      unit: 'characters',
    });
    assert.deepEqual(detail('sendPayment', { to: 'Org2MSP::bob', amount: 5, memo: 'm'.repeat(281) }), {
      field: 'memo',
      rule: 'too_long',
      limit: 280,
      unit: 'characters',
    });
    assert.deepEqual(detail('sendPayment', { to: 'bob', amount: 5, memo: '' }), { field: 'to', rule: 'format' });
    assert.deepEqual(detail('sendPayment', { to: 'Org2MSP::bob', memo: '' }), { field: 'amount', rule: 'required' });
    // Files are limited by their decoded size, in bytes, the same for a shared item and an attachment.
    const big = 'A'.repeat(Math.ceil((MAX_FILE_BYTES + 3) / 3) * 4);
    const file = { name: 'a.bin', mimeType: 'application/octet-stream', dataBase64: big };
    const tooLarge = { rule: 'too_large', limit: MAX_FILE_BYTES, unit: 'bytes' };
    assert.deepEqual(detail('sendMessage', { conversationId: 'c1', text: '', attachments: [file] }), {
      field: 'attachments.0.dataBase64',
      ...tooLarge,
    });
    const grantee = { kind: 'user', userId: 'Org2MSP::bob' };
    assert.deepEqual(detail('shareItem', { file, grantee, expiresAt: 1, canReshare: false }), {
      field: 'file.dataBase64',
      ...tooLarge,
    });
    const justFits = { ...file, dataBase64: 'A'.repeat((MAX_FILE_BYTES / 3) * 4 - 4) + 'AA==' };
    assert.ok(parseApiArgs('shareItem', [{ file: justFits, grantee, expiresAt: 1, canReshare: false }]).ok);
  });

  it('accepts well-formed input unchanged', () => {
    const parsed = parseApiArgs('sendMessage', [{ conversationId: 'dm-1', text: 'hi' }]);
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.value.input, { conversationId: 'dm-1', text: 'hi' });
    const none = parseApiArgs('listConversations', []);
    assert.ok(none.ok);
    assert.equal(none.value.input, undefined);
  });
});
