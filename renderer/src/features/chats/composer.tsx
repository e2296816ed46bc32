import { useRef, useState, type DragEvent, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError, ConversationSummary, MessageView } from '../../../../electron/src/common/api';
import { useApi } from '../../api/context';
import { useChatAddons } from '../../lib/chat-addons';
import { Icon } from '../../components/ui/icons';
import { Button, ErrorText } from '../../components/ui';
import { MAX_MESSAGE_CHARS } from '../../../../electron/src/common/limits';
import { formatNumber } from '../../lib/format';
import { useDraft } from './use-draft';
import { displayName } from '../../lib/names';
import { MAX_ATTACHMENT_BYTES, MAX_FILES, MAX_FILE_BYTES, attachmentProblem, formatBytes, toUpload } from './files';

/** The counter appears when the message is within a tenth of the limit. */
const COUNTER_FROM = Math.floor(MAX_MESSAGE_CHARS * 0.9);

// Writing a message: Enter sends, Shift+Enter starts a new line, Esc cancels
// (the reply or edit mode the composer is in, through onCancel); files come
// from the paper-clip button or are dropped anywhere on the composer. The
// unsent text is the conversation's draft (use-draft.ts), restored when the
// conversation opens again, even after a restart.

export interface ComposerProps {
  readonly conversationId: string;
  readonly peerUserIds: string[];
  /** When set, the person may not post here; this says why. */
  readonly disabledReason?: string;
  readonly paymentsAllowed: boolean;
  readonly onSent: (message: MessageView) => void;
  /** The conversation's saved draft, to start from. */
  readonly initialDraft?: string;
  /** The draft was saved: the conversation as the service has it now (the sidebar shows "Draft:"). */
  readonly onDraftSaved?: (conversation: ConversationSummary) => void;
  /** Esc in the composer: leaves a reply or edit mode (whoever offers one passes it here). */
  readonly onCancel?: () => void;
  /** The message being answered (a quote above the field; Esc cancels it). */
  readonly replyTo?: MessageView;
  readonly onCancelReply?: () => void;
}

export function Composer({
  conversationId,
  peerUserIds,
  disabledReason,
  paymentsAllowed,
  onSent,
  initialDraft,
  onDraftSaved,
  onCancel,
  replyTo,
  onCancelReply,
}: ComposerProps) {
  const { t, i18n } = useTranslation('chats');
  const api = useApi();
  const { PaymentComposerButton } = useChatAddons();
  const [text, setText] = useState(initialDraft ?? '');
  const draft = useDraft(conversationId, onDraftSaved);
  const [files, setFiles] = useState<File[]>([]);
  const [dragging, setDragging] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [limit, setLimit] = useState<ReturnType<typeof attachmentProblem>>(null);
  const [sending, setSending] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);
  const disabled = disabledReason !== undefined;

  // One problem on screen at a time: a new one replaces the old, and editing clears it.
  const addFiles = (list: FileList | File[]) => {
    const next = [...files, ...Array.from(list)];
    const problem = attachmentProblem(next);
    setLimit(problem);
    setError(null);
    if (!problem) setFiles(next);
  };

  const send = async () => {
    const body = text.trim();
    if ((!body && files.length === 0) || sending || disabled) return;
    setSending(true);
    setError(null);
    const attachments = await Promise.all(files.map(toUpload));
    const result = await api.sendMessage({
      conversationId,
      text: body,
      ...(attachments.length ? { attachments } : {}),
      ...(replyTo ? { replyTo: replyTo.id } : {}),
    });
    setSending(false);
    if (!result.ok) {
      setLimit(null);
      return setError(result.error);
    }
    // The service cleared the draft with the send; nothing older may follow it.
    draft.cancel();
    setText('');
    setFiles([]);
    setLimit(null);
    onCancelReply?.();
    onSent(result.value);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      void send();
    } else if (event.key === 'Escape' && !event.nativeEvent.isComposing && (replyTo || onCancel)) {
      event.preventDefault();
      if (replyTo) onCancelReply?.();
      else onCancel?.();
    }
  };

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    if (!disabled && event.dataTransfer.files.length) addFiles(event.dataTransfer.files);
  };

  if (disabled) {
    return (
      <div className="composer composer-disabled" role="status">
        {disabledReason}
      </div>
    );
  }

  return (
    <div
      className={`composer${dragging ? ' composer-dragging' : ''}`}
      onDragOver={(event) => {
        event.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={onDrop}
      data-testid="composer"
    >
      {dragging ? <div className="drop-hint">{t('dropFiles')}</div> : null}
      {replyTo ? <ReplyingTo message={replyTo} onCancel={onCancelReply} /> : null}
      {files.length > 0 ? (
        <ul className="pending-files" aria-label={t('attachments')}>
          {files.map((file, index) => (
            <li key={`${file.name}-${index}`} className="pending-file">
              <Icon name="attach" size={14} />
              <span>{file.name}</span>
              <span className="muted">{formatBytes(file.size, i18n.language)}</span>
              <Button
                variant="ghost"
                size="icon"
                aria-label={t('removeAttachment', { name: file.name })}
                onClick={() => setFiles(files.filter((_, i) => i !== index))}
              >
                ×
              </Button>
            </li>
          ))}
        </ul>
      ) : null}
      {limit ? (
        <p className="error-text" role="alert">
          {t(limit, {
            size: formatBytes(limit === 'fileTooLarge' ? MAX_FILE_BYTES : MAX_ATTACHMENT_BYTES, i18n.language),
            count: MAX_FILES,
          })}
        </p>
      ) : null}
      <ErrorText error={error} />
      {text.length >= COUNTER_FROM ? (
        <p
          className={`composer-counter${text.length > MAX_MESSAGE_CHARS ? ' composer-counter-over' : ''}`}
          data-testid="composer-counter"
          aria-live="polite"
        >
          {t(text.length > MAX_MESSAGE_CHARS ? 'characterCountOver' : 'characterCount', {
            used: formatNumber(text.length, i18n.language),
            max: formatNumber(MAX_MESSAGE_CHARS, i18n.language),
            over: formatNumber(text.length - MAX_MESSAGE_CHARS, i18n.language),
          })}
        </p>
      ) : null}
      <div className="composer-row">
        <input
          ref={fileInput}
          type="file"
          multiple
          className="visually-hidden"
          tabIndex={-1}
          aria-hidden="true"
          onChange={(event) => {
            if (event.target.files) addFiles(event.target.files);
            event.target.value = '';
          }}
          data-testid="file-input"
        />
        <Button variant="ghost" size="icon" aria-label={t('attach')} onClick={() => fileInput.current?.click()}>
          <Icon name="attach" />
        </Button>
        {paymentsAllowed ? <PaymentComposerButton conversationId={conversationId} peerUserIds={peerUserIds} /> : null}
        <textarea
          className="input textarea composer-input"
          rows={1}
          value={text}
          placeholder={t('composerPlaceholder')}
          aria-label={t('composerLabel')}
          onChange={(event) => {
            setText(event.target.value);
            draft.schedule(event.target.value);
            setError(null);
          }}
          onKeyDown={onKeyDown}
        />
        <Button
          variant="primary"
          size="icon"
          aria-label={t('send')}
          busy={sending}
          disabled={!text.trim() && files.length === 0}
          onClick={() => void send()}
        >
          <Icon name="send" />
        </Button>
      </div>
    </div>
  );
}

/** The message being answered, above the field. */
function ReplyingTo({ message, onCancel }: { message: MessageView; onCancel: (() => void) | undefined }) {
  const { t } = useTranslation('chats');
  const excerpt = message.content?.type === 'text' ? message.content.text.slice(0, 120) : '';
  return (
    <div className="composer-reply" data-testid="composer-reply">
      <span className="reply-quote-sender">{t('relations.replyingTo', { name: displayName(message.sender) })}</span>
      <span className="reply-quote-excerpt">{excerpt}</span>
      <Button variant="ghost" size="icon" aria-label={t('relations.cancelReply')} onClick={onCancel}>
        ×
      </Button>
    </div>
  );
}
