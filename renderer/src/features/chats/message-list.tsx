import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Virtuoso, type VirtuosoHandle } from 'react-virtuoso';
import type { MessageView } from '../../../../electron/src/common/api';
import { EmptyState, ErrorText, Spinner } from '../../components/ui';
import { PaidRequestsProvider, paidRequestsOf } from '../../lib/paid-requests';
import { MessageBubble } from './message-bubble';
import type { MessagePages } from './use-message-pages';

// A virtual list: only the rows on screen exist in the DOM, so a
// conversation of 100,000 messages scrolls like one of 100. Older pages
// load when the top is reached; new messages follow when already at the
// bottom.

/** How far back a search hit is fetched before giving up (pages of PAGE_SIZE). */
const MAX_PAGES_TO_FOCUS = 100;

export interface MessageListProps {
  readonly pages: MessagePages;
  readonly isGroup: boolean;
  readonly onRetry: (message: MessageView) => void;
  /** A search hit to bring into view (older pages are fetched until it is loaded). */
  readonly focusMessageId?: string;
  /** Changes when the same message is asked for again (a second click on a quote). */
  readonly focusKey?: number;
}

export function MessageList({ pages, isGroup, onRetry, focusMessageId, focusKey }: MessageListProps) {
  const { t } = useTranslation('chats');
  const { messages, firstItemIndex, loadOlder, loading, hasOlder, error } = pages;
  const list = useRef<VirtuosoHandle>(null);
  // Open at the newest message once; a changing value would pull the view back down.
  const initialIndex = useRef<number | null>(null);
  if (initialIndex.current === null && messages.length > 0) initialIndex.current = messages.length - 1;
  const fetchedForFocus = useRef(0);
  const [notFound, setNotFound] = useState(false);
  useEffect(() => {
    fetchedForFocus.current = 0;
    setNotFound(false);
  }, [focusMessageId, focusKey]);
  useEffect(() => {
    if (!focusMessageId || messages.length === 0) return;
    const at = messages.findIndex((m) => m.id === focusMessageId);
    if (at >= 0) {
      // After Virtuoso has taken in the prepended rows.
      const timer = setTimeout(() => list.current?.scrollToIndex({ index: at, align: 'center' }), 50);
      return () => clearTimeout(timer);
    } else if (hasOlder && !loading && fetchedForFocus.current < MAX_PAGES_TO_FOCUS) {
      fetchedForFocus.current++;
      void loadOlder();
    } else if (!loading) {
      // The whole history is here (or the search gave up) and it is not in it: erased, or never received.
      setNotFound(true);
    }
  }, [focusMessageId, focusKey, messages, firstItemIndex, hasOlder, loading, loadOlder]);
  // What followOutput sees when rows are appended: the newest message now in the list.
  const newest = useRef<MessageView | undefined>(undefined);
  newest.current = messages[messages.length - 1];
  // A request card says Paid when a payment in this conversation names it.
  const paidRequests = useMemo(() => paidRequestsOf(messages), [messages]);
  const itemContent = useCallback(
    (index: number, message: MessageView) => {
      const previous = messages[index - firstItemIndex - 1];
      const showSender = isGroup && previous?.sender !== message.sender;
      return (
        <MessageBubble
          message={message}
          showSender={showSender}
          onRetry={onRetry}
          focused={message.id === focusMessageId}
        />
      );
    },
    [messages, firstItemIndex, isGroup, onRetry, focusMessageId],
  );
  if (messages.length === 0) {
    if (loading)
      return (
        <div className="message-list-empty">
          <Spinner />
        </div>
      );
    return (
      <div className="message-list-empty">
        {error ? <ErrorText error={error} /> : <EmptyState title={t('noMessages')}>{t('noMessagesHint')}</EmptyState>}
      </div>
    );
  }
  return (
    <PaidRequestsProvider value={paidRequests}>
      {notFound ? (
        <p className="banner banner-warning" role="status" data-testid="focus-not-found">
          {t('relations.originalNotFound')}
        </p>
      ) : null}
      <Virtuoso
        ref={list}
        className="message-list"
        role="log"
        aria-label={t('messages')}
        aria-live="polite"
        data={messages}
        firstItemIndex={firstItemIndex}
        initialTopMostItemIndex={initialIndex.current ?? 0}
        startReached={() => void loadOlder()}
        // Your own new message is always brought into view, at once (a smooth scroll stops short of a
        // tall row measured late); others' follow only when you were already at the bottom.
        followOutput={(atBottom) => (newest.current?.outgoing ? 'auto' : atBottom ? 'smooth' : false)}
        computeItemKey={(_index, message) => message.id}
        increaseViewportBy={{ top: 400, bottom: 200 }}
        itemContent={itemContent}
        components={{
          Header: () =>
            hasOlder ? (
              <div className="message-list-header">{loading ? <Spinner /> : null}</div>
            ) : (
              <div className="message-list-header muted">{t('beginning')}</div>
            ),
        }}
      />
    </PaidRequestsProvider>
  );
}
