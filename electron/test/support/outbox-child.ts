import { readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import type { Proposal } from '@hyperledger/fabric-gateway';
import { z } from 'zod';
import { sealEnvelope } from '../../src/node/crypto';
import { connectWithProfile } from '../../src/node/fabric/connect';
import { ledgerClient, parseAnswer } from '../../src/node/ledger';
import { Outbox, type OutboxMessage, type Prepared, type SendHooks, type SendResult } from '../../src/node/outbox';
import { postProposal } from '../../src/node/messaging/envelopes';
import { loadProfile } from '../../src/node/profile/profile-files';
import { openStoreWithProtector } from '../../src/node/store';
import { KDF_INTERACTIVE, passphraseProtector } from '../../src/node/wallet';

// The process outbox-kill.integration.test.ts kills: it opens the encrypted
// store, enqueues the messages not enqueued yet, and lets the outbox post
// them as real envelopes (sealEnvelope, event tags, PostMessage). Every step
// is one stdout line, so the parent can kill it at a chosen point:
//   READY | ENQUEUED <n> <id> | SENDING <id> | STATE <id> <state> [code] | POSTED <id> <replayed> | DRAINED
// After POSTED the child waits `afterPostPauseMs` before it returns the
// result to the outbox: the window in which a process can die with its
// message committed on the ledger but not yet in its store.

const configSchema = z.strictObject({
  storeFile: z.string(),
  passphrase: z.string(),
  profileFile: z.string(),
  identity: z.strictObject({ mspId: z.string(), certificatePem: z.string(), privateKeyPem: z.string() }),
  userId: z.string(),
  conversationId: z.string(),
  epoch: z.number().int().min(1),
  /** base64 */
  epochKey: z.string(),
  /** base64, Ed25519 (64 bytes) */
  signingSecretKey: z.string(),
  count: z.number().int().min(1),
  enqueueGapMs: z.number().int().min(0),
  afterPostPauseMs: z.number().int().min(0),
});
export type OutboxChildConfig = z.infer<typeof configSchema>;

const sealedSchema = z.strictObject({
  epoch: z.number().int(),
  nonce: z.string(),
  signature: z.string(),
  ciphertext: z.string(),
});
const postedSchema = z.object({ messageId: z.string(), time: z.number().int(), replayed: z.boolean() });

const say = (line: string) => process.stdout.write(`${line}\n`);

/** The proposal as it is, telling `onEndorsed` when the peers endorsed it. */
function reportingEndorsement(proposal: Proposal, onEndorsed: () => void): Proposal {
  return {
    getBytes: () => proposal.getBytes(),
    getDigest: () => proposal.getDigest(),
    getTransactionId: () => proposal.getTransactionId(),
    evaluate: (options) => proposal.evaluate(options),
    endorse: async (options) => {
      const transaction = await proposal.endorse(options);
      onEndorsed();
      return transaction;
    },
  };
}

async function main(): Promise<void> {
  const configFile = process.argv[2];
  if (!configFile) throw new Error('usage: outbox-child <config.json>');
  const config = configSchema.parse(JSON.parse(readFileSync(configFile, 'utf8')));
  const epochKey = new Uint8Array(Buffer.from(config.epochKey, 'base64'));
  const signingSecretKey = new Uint8Array(Buffer.from(config.signingSecretKey, 'base64'));

  const store = await openStoreWithProtector({
    file: config.storeFile,
    protector: passphraseProtector(config.passphrase, KDF_INTERACTIVE),
  });
  if (!store.getConversation(config.conversationId)) {
    store.upsertConversation({ id: config.conversationId, kind: 'direct', epoch: config.epoch });
  }
  const profile = await loadProfile(config.profileFile);
  const connection = connectWithProfile(profile, config.identity);
  const ledger = ledgerClient(connection, profile, {
    backoff: { maxAttempts: 10, baseDelayMs: 200, maxDelayMs: 3_000, factor: 2 },
  });

  const prepare = async (message: OutboxMessage): Promise<Prepared> => {
    const sealed = await sealEnvelope({
      conversationId: message.conversationId,
      epoch: message.epoch,
      sender: message.sender,
      clientMessageId: message.clientMessageId,
      plaintext: new TextEncoder().encode(message.body ?? ''),
      epochKey,
      signingSecretKey,
    });
    const payload = {
      epoch: message.epoch,
      nonce: sealed.nonce,
      signature: sealed.signature,
      ciphertext: Buffer.from(sealed.ciphertext).toString('base64'),
    };
    return { epoch: message.epoch, payload: new TextEncoder().encode(JSON.stringify(payload)) };
  };

  const send = async (message: OutboxMessage, hooks: SendHooks): Promise<SendResult> => {
    say(`SENDING ${message.clientMessageId}`);
    const sealed = sealedSchema.parse(JSON.parse(new TextDecoder().decode(message.payload ?? new Uint8Array())));
    const committed = await ledger.submitProposal('messages', (contract) =>
      reportingEndorsement(
        postProposal(connection.gateway, contract, message, { ...sealed, attachments: [] }, epochKey),
        () => hooks.onEndorsed(),
      ),
    );
    const posted = parseAnswer(committed.result, postedSchema, 'messages.PostMessage');
    say(`POSTED ${message.clientMessageId} ${posted.replayed}`);
    await delay(config.afterPostPauseMs);
    return {
      txId: committed.transactionId,
      blockNumber: committed.blockNumber,
      messageId: posted.messageId,
      sentAt: posted.time,
    };
  };

  const outbox = new Outbox({ store, sender: config.userId, prepare, send });
  outbox.onStateChange((change) =>
    say(`STATE ${change.clientMessageId} ${change.state}${change.failureCode ? ` ${change.failureCode}` : ''}`),
  );
  outbox.start();
  say('READY');

  const enqueued = store.db
    .prepare(`SELECT count(*) FROM messages WHERE conversationId = ? AND direction = 'out'`)
    .pluck()
    .get(config.conversationId) as number;
  for (let n = enqueued; n < config.count; n++) {
    const id = outbox.enqueue({ conversationId: config.conversationId, body: `kill test message #${n}` });
    say(`ENQUEUED ${n} ${id}`);
    await delay(config.enqueueGapMs);
  }
  await outbox.idle();
  const left = outbox.pendingCount();
  await outbox.stop();
  connection.close();
  store.close();
  if (left !== 0) throw new Error(`${left} messages still pending`);
  say('DRAINED');
}

main().catch((error: unknown) => {
  process.stderr.write(`outbox-child: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(2);
});
