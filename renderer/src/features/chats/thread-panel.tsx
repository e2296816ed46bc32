import { useCallback, useEffect, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError, ThreadView } from '../../../../electron/src/common/api';
import { useApi, useApiEvent } from '../../api/context';
import { Button, ErrorText, Spinner } from '../../components/ui';
import { MessageBubble } from './message-bubble';

// A thread in a side panel: its first message and every reply in its chain,
// oldest first, kept current by the pushed messages, with a field to reply
// in the thread (the reply answers the thread's root). A chunk of its own
// (lazy-thread-panel.tsx): most sessions never open a thread.

export interface ThreadPanelProps {
  readonly conversationId: string;
  readonly rootId: string;
  readonly onClose: () => void;
  /** Not a member any more, or may not post: no reply field. */
  readonly canReply: boolean;
}

export function ThreadPanel({ conversationId, rootId, onClose, canReply }: ThreadPanelProps) {
  const { t } = useTranslation('chats');
  const api = useApi();
  const [thread, setThread] = useState<ThreadView | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [text, setText] = useState('');
  const [sending, setSending] = useState(false);

  const load = useCallback(async () => {
    const result = await api.listThread({ conversationId, messageId: rootId });
    if (!result.ok) return setError(result.error);
    setError(null);
    setThread(result.value);
  }, [api, conversationId, rootId]);
  useEffect(() => {
    setThread(null);
    void load();
  }, [load]);
  useApiEvent('message', ({ message }) => {
    if (message.conversationId === conversationId && (message.id === rootId || message.threadRoot === rootId)) {
      void load();
    }
  });

  // Delivery of a reply in the thread (ours going from sending to delivered).
  useApiEvent('delivery', (event) => {
    if (event.conversationId !== conversationId) return;
    if (event.messageId === rootId || thread?.replies.some((m) => m.id === event.messageId)) void load();
  });

  const send = async () => {
    const body = text.trim();
    if (!body || sending) return;
    setSending(true);
    const result = await api.sendMessage({ conversationId, text: body, replyTo: rootId });
    setSending(false);
    if (!result.ok) return setError(result.error);
    setText('');
    void load();
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      void send();
    } else if (event.key === 'Escape') onClose();
  };

  return (
    <aside className="thread-panel" aria-label={t('relations.thread')} data-testid="thread-panel">
      <header className="thread-panel-header">
        <h3>{t('relations.thread')}</h3>
        <Button variant="ghost" size="icon" aria-label={t('relations.closeThread')} onClick={onClose}>
          ×
        </Button>
      </header>
      <div className="thread-panel-body">
        {thread === null && !error ? <Spinner /> : null}
        {thread ? (
          <>
            {thread.root ? (
              <MessageBubble message={thread.root} showSender onRetry={() => undefined} inThread />
            ) : (
              <p className="muted">{t('relations.threadRootMissing')}</p>
            )}
            <p className="thread-count muted" data-testid="thread-count">
              {thread.replies.length > 0
                ? t('relations.replies', { count: thread.replies.length })
                : t('relations.threadEmpty')}
            </p>
            {thread.replies.map((m) => (
              <MessageBubble key={m.id} message={m} showSender onRetry={() => undefined} inThread />
            ))}
          </>
        ) : null}
        <ErrorText error={error} />
      </div>
      {canReply ? (
        <div className="thread-panel-composer">
          <textarea
            className="input textarea composer-input"
            rows={1}
            value={text}
            aria-label={t('relations.threadReplyLabel')}
            placeholder={t('relations.threadReplyLabel')}
            data-testid="thread-reply"
            onChange={(event) => setText(event.target.value)}
            onKeyDown={onKeyDown}
          />
          <Button variant="primary" busy={sending} disabled={!text.trim()} onClick={() => void send()}>
            {t('send')}
          </Button>
        </div>
      ) : null}
    </aside>
  );
}
