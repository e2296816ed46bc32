import { memo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type {
  ApiError,
  FileData,
  MembershipNotice,
  MessageView,
  ReplyQuote,
} from '../../../../electron/src/common/api';
import { useApi, useSession } from '../../api/context';
import { useChatAddons } from '../../lib/chat-addons';
import { Icon } from '../../components/ui/icons';
import { displayName } from '../../lib/names';
import {
  Badge,
  Button,
  ErrorText,
  ImagePreview,
  isPreviewableImage,
  Tooltip,
  useErrorSentence,
} from '../../components/ui';
import { deliveryInfo } from './delivery';
import { FormattedText } from './formatted-text';
import { downloadFile, formatBytes } from './files';
import { useMessageActions } from './message-actions';
import { ReactionPicker, Reactions } from './reactions';

export interface MessageBubbleProps {
  readonly message: MessageView;
  readonly showSender: boolean;
  readonly onRetry: (message: MessageView) => void;
  /** Brought into view from a search hit. */
  readonly focused?: boolean;
  /** Shown in the thread panel: no thread link of its own, no actions. */
  readonly inThread?: boolean;
}

function Attachments({ message }: { message: MessageView }) {
  const api = useApi();
  const { t } = useTranslation('chats');
  const [error, setError] = useState<ApiError | null>(null);
  // Images open as a preview in the bubble (decrypted here, shown from a blob: URL); other files download.
  const [previews, setPreviews] = useState<ReadonlyMap<number, FileData>>(new Map());
  const open = async (index: number, image: boolean) => {
    const result = await api.getAttachment({
      conversationId: message.conversationId,
      sender: message.sender,
      clientMessageId: message.clientMessageId,
      index,
    });
    if (!result.ok) return setError(result.error);
    setError(null);
    if (image) setPreviews((current) => new Map(current).set(index, result.value));
    else downloadFile(result.value);
  };
  return (
    <div className="attachments">
      {message.attachments.map((a) => {
        const image = isPreviewableImage(a.mimeType);
        const preview = previews.get(a.index);
        return (
          <div key={a.index} className="attachment-item">
            <button
              type="button"
              className="attachment"
              onClick={() => (preview ? downloadFile(preview) : void open(a.index, image))}
              aria-label={t(image && !preview ? 'previewAttachment' : 'downloadAttachment', { name: a.name })}
            >
              <Icon name="attach" size={16} />
              <span className="attachment-name">{a.name}</span>
              <span className="muted">{formatBytes(a.size)}</span>
            </button>
            {preview ? <ImagePreview file={preview} /> : null}
          </div>
        );
      })}
      <ErrorText error={error} />
    </div>
  );
}

function Body({ message }: { message: MessageView }) {
  const { t } = useTranslation('chats');
  const { PaymentMessage } = useChatAddons();
  if (message.state === 'erased') return <p className="message-erased">{t('erased')}</p>;
  if (message.needsNewerClient) {
    return (
      <p className="message-erased" data-testid="needs-newer">
        {t('newerNeeded')}
      </p>
    );
  }
  const content = message.content;
  if (!content) return <p className="message-erased">{t('undecryptable')}</p>;
  if (content.type === 'text') return content.text ? <FormattedText text={content.text} /> : null;
  return <PaymentMessage content={content} message={message} />;
}

/** A line across the timeline, not a bubble: nobody sent it, the group's events did. */
function MembershipLine({ notice, me }: { readonly notice: MembershipNotice; readonly me: string | undefined }) {
  const { t } = useTranslation('chats');
  const text =
    notice.change === 'removed' && notice.userId === me
      ? t('notices.youRemoved')
      : t(`notices.${notice.change}`, { name: displayName(notice.userId) });
  return (
    <div className="timeline-notice" role="note" data-testid="membership-notice">
      {text}
    </div>
  );
}

/** The message a reply answers: its sender and an excerpt; a click goes to it (or says it is gone). */
function Quote({ quote }: { quote: ReplyQuote }) {
  const { t } = useTranslation('chats');
  const actions = useMessageActions();
  if (quote.missing || !quote.sender) {
    return (
      <p className="reply-quote reply-quote-missing" data-testid="reply-quote">
        {t('relations.quoteMissing')}
      </p>
    );
  }
  const name = displayName(quote.sender);
  return (
    <button
      type="button"
      className="reply-quote"
      data-testid="reply-quote"
      aria-label={t('relations.jumpToOriginal', { name })}
      onClick={() => actions?.jumpTo(quote.id)}
    >
      <span className="reply-quote-sender">{name}</span>
      <span className="reply-quote-excerpt">{quote.excerpt}</span>
    </button>
  );
}

function ThreadLink({ message }: { message: MessageView }) {
  const { t } = useTranslation('chats');
  const actions = useMessageActions();
  const count = message.replyCount ?? 0;
  return (
    <button
      type="button"
      className="thread-link"
      data-testid="thread-link"
      aria-label={t('relations.openThread', { count })}
      onClick={() => actions?.openThread(message.id)}
    >
      {t('relations.replies', { count })}
    </button>
  );
}

/** Reply and react, shown on hover or keyboard focus; only for a message on the ledger (it has its id there). */
function BubbleActions({ message }: { message: MessageView }) {
  const { t } = useTranslation('chats');
  const actions = useMessageActions();
  const [picking, setPicking] = useState(false);
  if (!actions || message.state !== 'committed' || message.needsNewerClient) return null;
  return (
    <div className="message-actions" data-open={picking || undefined}>
      <button
        type="button"
        className="message-action"
        aria-label={t('relations.reply')}
        title={t('relations.reply')}
        data-testid="reply-button"
        onClick={() => actions.reply(message)}
      >
        ↩
      </button>
      <button
        type="button"
        className="message-action"
        aria-label={t('relations.react')}
        title={t('relations.react')}
        aria-expanded={picking}
        data-testid="react-button"
        onClick={() => setPicking((open) => !open)}
      >
        ☺
      </button>
      {picking ? <ReactionPicker message={message} onDone={() => setPicking(false)} /> : null}
    </div>
  );
}

function MessageBubbleImpl({ message, showSender, onRetry, focused, inThread }: MessageBubbleProps) {
  const me = useSession().account?.userId;
  if (message.notice) return <MembershipLine notice={message.notice} me={me} />;
  return <Bubble message={message} showSender={showSender} onRetry={onRetry} focused={focused} inThread={inThread} />;
}

function Bubble({ message, showSender, onRetry, focused, inThread }: MessageBubbleProps) {
  const { t, i18n } = useTranslation('chats');
  const sentence = useErrorSentence();
  const delivery = deliveryInfo(message);
  const time = new Intl.DateTimeFormat(i18n.language, { hour: '2-digit', minute: '2-digit' }).format(message.sentAt);
  return (
    <div
      className={`message ${message.outgoing ? 'message-out' : 'message-in'}`}
      data-state={message.state}
      data-focused={focused || undefined}
      data-testid="message"
    >
      <div className="bubble">
        {showSender && !message.outgoing ? <p className="message-sender">{displayName(message.sender)}</p> : null}
        {message.replyTo && message.state !== 'erased' ? <Quote quote={message.replyTo} /> : null}
        <Body message={message} />
        {message.attachments.length > 0 && message.state !== 'erased' ? <Attachments message={message} /> : null}
        <div className="message-meta">
          {!message.outgoing && message.state !== 'erased' ? (
            message.verified ? (
              <Tooltip content={t('verifiedSenderHint')}>
                <span className="verified-mark" role="img" aria-label={t('verifiedSender')} tabIndex={0}>
                  <Icon name="shield" size={14} />
                </span>
              </Tooltip>
            ) : (
              <Badge tone="danger">{t('unverifiedSender')}</Badge>
            )
          ) : null}
          <time dateTime={new Date(message.sentAt).toISOString()}>{time}</time>
          {message.outgoing ? (
            <span className={`delivery delivery-${message.state}`} data-testid="delivery">
              {t(delivery.label)}
            </span>
          ) : null}
        </div>
      </div>
      <Reactions message={message} />
      {message.replyCount && !inThread ? <ThreadLink message={message} /> : null}
      {inThread ? null : <BubbleActions message={message} />}
      {delivery.reason && message.outgoing ? (
        <div className="message-failure" role="alert">
          <span>{sentence(delivery.reason)}</span>
          {delivery.canRetry ? (
            <Button size="sm" variant="secondary" onClick={() => onRetry(message)}>
              {t('retry')}
            </Button>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}

export const MessageBubble = memo(MessageBubbleImpl);
