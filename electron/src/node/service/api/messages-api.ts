import { downloadAttachment, uploadAttachments } from '../../sharing';
import type { AppSession } from '../session';
import type { Handlers } from './handlers';

// Conversations, messages and search: the messenger's, plus attachments
// (encrypted items granted to the conversation) uploaded before the post.

export const messagesApi = (app: AppSession) => {
  const messenger = () => app.need().messenger;
  return {
    listConversations: async () => messenger().listConversations(),
    openDirect: ({ userId }) => messenger().openDirect(userId),
    listMessages: async ({ conversationId, before, limit }) => messenger().listMessages(conversationId, before, limit),
    sendMessage: async ({ conversationId, text, attachments, replyTo }) => {
      const { session, messenger } = app.need();
      const refs = await uploadAttachments(session, conversationId, attachments ?? []);
      const sent = messenger.sendContent(conversationId, { type: 'text', text }, refs, replyTo);
      messenger.clearDraft(conversationId);
      return sent;
    },
    react: async ({ conversationId, messageId, emoji, on }) => messenger().react(conversationId, messageId, emoji, on),
    listThread: async ({ conversationId, messageId }) => messenger().listThread(conversationId, messageId),
    retryMessage: async ({ conversationId, clientMessageId }) => messenger().retry(conversationId, clientMessageId),
    deleteMessage: async ({ conversationId, clientMessageId }) => {
      await messenger().deleteMessage(conversationId, clientMessageId);
      return null;
    },
    markRead: async ({ conversationId }) => {
      messenger().markRead(conversationId);
      return null;
    },
    getAttachment: async ({ conversationId, sender, clientMessageId, index }) => {
      const { session, messenger } = app.need();
      return downloadAttachment(session, messenger.attachmentRef({ conversationId, sender, clientMessageId }, index));
    },
    saveDraft: async ({ conversationId, text }) => messenger().saveDraft(conversationId, text),
    search: async ({ query, limit }) => messenger().search(query, limit),
  } satisfies Handlers<
    | 'listConversations'
    | 'openDirect'
    | 'listMessages'
    | 'sendMessage'
    | 'react'
    | 'listThread'
    | 'retryMessage'
    | 'deleteMessage'
    | 'markRead'
    | 'saveDraft'
    | 'getAttachment'
    | 'search'
  >;
};
