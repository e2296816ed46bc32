import { createHash } from 'node:crypto';

// A message's identity. The clientMessageId is the sender's own choice, and
// the chaincode lets every sender use any value, so another member can post
// one that collides with yours. The ledger names a message by its
// conversation, sender and clientMessageId together (messageIdFor in the
// messages contract); the client derives the same id, also for a message
// still in its outbox, and finds messages only by it or by that triple.

export function messageIdOf(m: { conversationId: string; sender: string; clientMessageId: string }): string {
  const digest = createHash('sha256').update(`${m.conversationId}\n${m.sender}\n${m.clientMessageId}`).digest('hex');
  return `m-${digest.slice(0, 40)}`;
}
