import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { Virtuoso } from 'react-virtuoso';
import type { MessageView } from '../../../../electron/src/common/api';
import { EmptyState, ErrorText, Spinner } from '../../components/ui';
import { MessageBubble } from './message-bubble';
import type { MessagePages } from './use-message-pages';

// A virtual list: only the rows on screen exist in the DOM, so a
// conversation of 100,000 messages scrolls like one of 100. Older pages
// load when the top is reached; new messages follow when already at the
// bottom.

export function MessageList({
  pages,
  isGroup,
  onRetry,
}: {
  readonly pages: MessagePages;
  readonly isGroup: boolean;
  readonly onRetry: (message: MessageView) => void;
}) {
  const { t } = useTranslation('chats');
  const { messages, firstItemIndex, loadOlder, loading, hasOlder, error } = pages;
  const itemContent = useCallback(
    (index: number, message: MessageView) => {
      const previous = messages[index - firstItemIndex - 1];
      const showSender = isGroup && previous?.sender !== message.sender;
      return <MessageBubble message={message} showSender={showSender} onRetry={onRetry} />;
    },
    [messages, firstItemIndex, isGroup, onRetry],
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
    <Virtuoso
      className="message-list"
      role="log"
      aria-label={t('messages')}
      aria-live="polite"
      data={messages}
      firstItemIndex={firstItemIndex}
      initialTopMostItemIndex={messages.length - 1}
      startReached={() => void loadOlder()}
      followOutput={(atBottom) => (atBottom ? 'smooth' : false)}
      computeItemKey={(_index, message) => message.clientMessageId}
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
  );
}
