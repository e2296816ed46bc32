import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiError, DeliveryState, MessageView } from '../../../../electron/src/common/api';
import { useApi, useApiEvent } from '../../api/context';

// A conversation's messages, oldest first, loaded a page at a time going
// back in time (listMessages with the `before` cursor), with live messages
// and delivery updates merged in. `firstItemIndex` counts down as older
// pages are prepended, which is what lets the virtual list keep the
// reader's place. A message is known by its id (the ledger's message id):
// another sender's message with the same clientMessageId is another message
// and never replaces or changes one shown.

export const PAGE_SIZE = 50;
/** Virtuoso needs a stable non-negative index base that older pages count down from. */
export const INDEX_BASE = 1_000_000_000;

/**
 * A page as the list shows it, oldest first. The API answers newest first;
 * a stable sort by time also puts right any message whose clock ran ahead.
 */
export function chronological(items: readonly MessageView[]): MessageView[] {
  return [...items].reverse().sort((a, b) => a.sentAt - b.sentAt);
}

/** How far a delivery has got; a retry is the one way back, and it comes as a delivery event. */
const DELIVERY_PROGRESS: Record<DeliveryState, number> = {
  pending: 0,
  endorsed: 1,
  committed: 2,
  failed: 2,
  erased: 3,
};

/**
 * An API answer travels apart from the event stream (a POST's response
 * against Server-Sent Events, or IPC replies against pushes), so the answer
 * to a send can arrive after the delivery event that already failed or
 * committed that message. It must not take the message back to "sending".
 */
export function notBehind(incoming: MessageView, known: MessageView | undefined): MessageView {
  if (!known || DELIVERY_PROGRESS[known.state] <= DELIVERY_PROGRESS[incoming.state]) return incoming;
  return { ...incoming, state: known.state, failure: known.failure };
}

export interface MessagePages {
  readonly messages: MessageView[];
  readonly firstItemIndex: number;
  readonly loading: boolean;
  readonly hasOlder: boolean;
  readonly error: ApiError | null;
  loadOlder(): Promise<void>;
  /** Puts or replaces a message (an own send, a retry's answer), never taking its delivery state back. */
  put(message: MessageView): void;
}

export function useMessagePages(conversationId: string): MessagePages {
  const api = useApi();
  const [messages, setMessages] = useState<MessageView[]>([]);
  const [firstItemIndex, setFirstItemIndex] = useState(INDEX_BASE);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<ApiError | null>(null);
  const cursor = useRef<string | undefined>(undefined);
  const [hasOlder, setHasOlder] = useState(false);
  const busy = useRef(false);
  const generation = useRef(0);
  const latest = useRef<MessageView[]>([]);
  useEffect(() => {
    latest.current = messages;
  }, [messages]);

  const fetchPage = useCallback(
    async (before: string | undefined, reset: boolean) => {
      if (busy.current && !reset) return;
      busy.current = true;
      const mine = reset ? ++generation.current : generation.current;
      setLoading(true);
      const result = await api.listMessages({ conversationId, before, limit: PAGE_SIZE });
      if (mine !== generation.current) return; // a newer conversation took over
      busy.current = false;
      setLoading(false);
      if (!result.ok) return setError(result.error);
      setError(null);
      cursor.current = result.value.next;
      setHasOlder(result.value.next !== undefined);
      const page = chronological(result.value.items);
      if (reset) {
        setMessages(page);
        setFirstItemIndex(INDEX_BASE - page.length);
      } else {
        const known = new Set(latest.current.map((m) => m.id));
        const older = page.filter((m) => !known.has(m.id));
        setFirstItemIndex((index) => index - older.length);
        setMessages((current) => [...older, ...current]);
      }
    },
    [api, conversationId],
  );

  useEffect(() => {
    setMessages([]);
    cursor.current = undefined;
    setHasOlder(false);
    busy.current = false;
    void fetchPage(undefined, true);
  }, [fetchPage]);

  const loadOlder = useCallback(async () => {
    if (cursor.current === undefined) return;
    await fetchPage(cursor.current, false);
  }, [fetchPage]);

  const put = useCallback((message: MessageView) => {
    setMessages((current) => {
      const at = current.findIndex((m) => m.id === message.id);
      if (at < 0) return [...current, message];
      const next = current.slice();
      next[at] = notBehind(message, current[at]);
      return next;
    });
  }, []);

  useApiEvent('message', ({ message }) => {
    if (message.conversationId !== conversationId) return;
    // A reaction or reply changed a message older than the loaded pages: it comes with its page.
    const oldest = latest.current[0];
    const known = latest.current.some((m) => m.id === message.id);
    if (!known && cursor.current !== undefined && oldest && message.sentAt < oldest.sentAt) return;
    put(message);
  });
  useApiEvent('delivery', (event) => {
    if (event.conversationId !== conversationId) return;
    setMessages((current) =>
      current.map((m) => (m.id === event.messageId ? { ...m, state: event.state, failure: event.failure } : m)),
    );
  });

  return { messages, firstItemIndex, loading, hasOlder, error, loadOlder, put };
}
