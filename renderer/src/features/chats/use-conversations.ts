import { useCallback, useEffect, useState } from 'react';
import type { ApiError, ConversationSummary } from '../../../../electron/src/common/api';
import { textPreview } from '../../../../electron/src/common/message-preview';
import { useApi, useApiEvent } from '../../api/context';

// The sidebar's list: loaded once, then kept current by push events.

function sortByRecent(list: ConversationSummary[]): ConversationSummary[] {
  return [...list].sort((a, b) => (b.lastMessageAt ?? 0) - (a.lastMessageAt ?? 0));
}

export function useConversations() {
  const api = useApi();
  const [conversations, setConversations] = useState<ConversationSummary[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  const reload = useCallback(async () => {
    const result = await api.listConversations();
    if (result.ok) {
      setConversations(sortByRecent(result.value));
      setError(null);
    } else setError(result.error);
  }, [api]);

  useEffect(() => {
    void reload();
  }, [reload]);

  const upsert = useCallback((conversation: ConversationSummary) => {
    setConversations((list) => {
      const rest = (list ?? []).filter((c) => c.id !== conversation.id);
      return sortByRecent([...rest, conversation]);
    });
  }, []);

  useApiEvent('conversation', ({ conversation }) => upsert(conversation));
  useApiEvent('message', ({ message }) => {
    setConversations((list) => {
      if (!list) return list;
      if (!list.some((c) => c.id === message.conversationId)) {
        void reload();
        return list;
      }
      return sortByRecent(
        list.map((c) =>
          c.id === message.conversationId
            ? {
                ...c,
                lastMessageAt: Math.max(c.lastMessageAt ?? 0, message.sentAt),
                lastPreview:
                  message.content?.type === 'text'
                    ? textPreview(
                        message.content.text,
                        message.attachments.map((a) => a.name),
                      )
                    : c.lastPreview,
              }
            : c,
        ),
      );
    });
  });

  const clearUnread = useCallback((id: string) => {
    setConversations((list) => list?.map((c) => (c.id === id ? { ...c, unread: 0 } : c)) ?? list);
  }, []);

  return { conversations, error, reload, upsert, clearUnread };
}
