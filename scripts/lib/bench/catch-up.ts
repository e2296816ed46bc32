import { rm } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import { type NetworkContext, down, up } from '../../../network/src/network';
import { isolatedNetwork } from '../../../network/test/support/test-network';
import { encodePlaintext } from '../../../electron/src/node/messaging/content-codec';
import { postProposal, sealPost } from '../../../electron/src/node/messaging/envelopes';
import { z } from 'zod';
import { sealedBoxGroupKeys } from '../../../electron/src/node/crypto';
import { groupsContextOf, submitTagged } from '../../../electron/src/node/groups';
import { Keyring } from '../../../electron/src/node/messaging/keyring';
import { appUser } from '../../../electron/test/support/app-user';
import { liveSession } from '../../../electron/test/support/live-session';

// Catch-up after being offline, end to end on a real network: bob's app is
// closed while `count` messages are committed to his direct conversation
// with alice, then it signs in again; the figure is sign-in until every
// message is decrypted, verified and stored. The messages are posted
// straight through the ledger in parallel (the outbox sends one at a time
// per conversation, which would make filling take most of an hour).

export interface CatchUpResult {
  readonly messages: number;
  readonly fillSeconds: number;
  readonly catchUpMs: number;
  readonly perSecond: number;
}

export async function benchCatchUp(count: number, log: (line: string) => void): Promise<CatchUpResult> {
  const ctx: NetworkContext = { ...(await isolatedNetwork()), log: () => undefined };
  try {
    log('  bringing up an isolated two-org network…');
    await up(ctx);
    const bob = await appUser(ctx, 'Org2', 'bob');
    const alice = await liveSession(ctx, 'Org1', 'alice');
    try {
      await bob.service.close();
      const keyring = new Keyring(alice);
      const key = async (userId: string) => {
        const user = await alice.directory.getUser(userId);
        if (!user.encryptionKey) throw new Error(`${userId} has no keys`);
        return { userId, encryptionKey: new Uint8Array(Buffer.from(user.encryptionKey, 'base64')) };
      };
      const fresh = await sealedBoxGroupKeys.newEpochKey([await key(alice.userId), await key('Org2MSP::bob')]);
      const opened = await submitTagged(
        groupsContextOf(alice, (id, e) => keyring.get(id, e)),
        'groups',
        'OpenDirect',
        fresh.epochKey,
        { peerUserId: 'Org2MSP::bob', wrappedKeys: fresh.wrappedKeys },
      );
      const direct = {
        id: z.object({ conversationId: z.string() }).parse(JSON.parse(Buffer.from(opened.result).toString()))
          .conversationId,
      };
      const epoch = 1;
      const tagKey = await keyring.get(direct.id, epoch);
      log(`  alice posts ${count.toLocaleString('en-US')} messages while bob is offline…`);
      const fillStart = performance.now();
      let next = 0;
      const worker = async () => {
        while (next < count) {
          const i = next++;
          const clientMessageId = randomBytes(16).toString('base64url');
          const sealed = await sealPost(
            alice,
            keyring,
            {
              conversationId: direct.id,
              clientMessageId,
              epoch,
              plaintext: encodePlaintext({ type: 'text', text: `catch-up ${i}` }),
            },
            [],
          );
          await alice.ledger.submitProposal('messages', (c) =>
            postProposal(alice.connection.gateway, c, { conversationId: direct.id, clientMessageId }, sealed, tagKey),
          );
        }
      };
      await Promise.all(Array.from({ length: 64 }, worker));
      const fillSeconds = (performance.now() - fillStart) / 1000;

      log('  bob signs in again and catches up…');
      const arrived = new Set<string>();
      const start = performance.now();
      await bob.restart();
      bob.service.subscribe((event) => {
        if (event.type === 'message' && event.message.conversationId === direct.id)
          arrived.add(event.message.clientMessageId);
      });
      const deadline = Date.now() + 30 * 60_000;
      for (;;) {
        const state = await bob.call('listConversations');
        const unread = state.find((c) => c.id === direct.id)?.unread ?? 0;
        if (unread >= count) break;
        if (Date.now() > deadline) throw new Error(`catch-up stalled at ${unread} of ${count}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const catchUpMs = performance.now() - start;
      return { messages: count, fillSeconds, catchUpMs, perSecond: count / (catchUpMs / 1000) };
    } finally {
      alice.close();
      await bob.dispose().catch(() => undefined);
    }
  } finally {
    await down(ctx);
    await rm(ctx.dataDir, { recursive: true, force: true });
  }
}
