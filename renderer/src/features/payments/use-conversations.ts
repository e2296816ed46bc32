import { useEffect, useState } from 'react';
import type { ConversationSummary } from '../../../../electron/src/common/api';
import { useApi } from '../../api/context';

/** Conversations for pickers (where a payment is posted) and known peers for the recipient list. */
export function useConversations(): { conversations: ConversationSummary[]; peers: string[] } {
  const api = useApi();
  const [conversations, setConversations] = useState<ConversationSummary[]>([]);
  useEffect(() => {
    let live = true;
    void api.listConversations().then((result) => {
      if (live && result.ok) setConversations(result.value);
    });
    return () => {
      live = false;
    };
  }, [api]);
  const peers = [...new Set(conversations.flatMap((c) => (c.peer ? [c.peer] : [])))].sort();
  return { conversations, peers };
}
