import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type {
  ApiError,
  Contact,
  ConversationSummary,
  GroupDetails,
  MessageView,
} from '../../../../electron/src/common/api';
import { useApi, useApiEvent, useSession } from '../../api/context';
import { Icon } from '../../components/ui/icons';
import { displayName } from '../../lib/names';
import { usePrivacy } from '../../lib/privacy';
import { Avatar, Badge, Button, ErrorText } from '../../components/ui';
import { Composer } from './composer';
import { retentionParts } from './delivery';
import { MessageList } from './lazy-message-list';
import { ThreadPanel } from './lazy-thread-panel';
import { type MessageActions, MessageActionsContext } from './message-actions';
import { SafetyNumberDialog } from './safety-number-dialog';
import { useMessagePages } from './use-message-pages';

export function ConversationView({
  summary,
  detailsOpen,
  onToggleDetails,
  group,
  groupError,
  focusMessageId,
  onSummary,
}: {
  readonly summary: ConversationSummary;
  readonly detailsOpen: boolean;
  readonly onToggleDetails: () => void;
  /** The group's details (null while loading; undefined for a direct chat). */
  readonly group: GroupDetails | null | undefined;
  /** Why the group's details could not be read (after a removal: not a member any more). */
  readonly groupError?: ApiError | null;
  readonly focusMessageId?: string;
  /** The conversation changed here (its draft was saved): the list shows it. */
  readonly onSummary?: (conversation: ConversationSummary) => void;
}) {
  const { t, i18n } = useTranslation('chats');
  const api = useApi();
  const session = useSession();
  const me = session.account?.userId ?? '';
  const pages = useMessagePages(summary.id);
  const [contacts, setContacts] = useState<Contact[]>([]);
  const [safetyFor, setSafetyFor] = useState<string | null>(null);
  const [retryError, setRetryError] = useState<ApiError | null>(null);
  const isGroup = summary.kind === 'group';
  const [replyTo, setReplyTo] = useState<MessageView | undefined>(undefined);
  const [threadRoot, setThreadRoot] = useState<string | null>(null);
  // A quote's original to bring into view (older pages load until it is found), counted so a second click jumps again.
  const [jump, setJump] = useState<{ id: string; n: number } | null>(null);
  const [relationError, setRelationError] = useState<ApiError | null>(null);
  useEffect(() => {
    setReplyTo(undefined);
    setThreadRoot(null);
    setJump(null);
    setRelationError(null);
  }, [summary.id]);
  // A search hit asked for after a jump wins.
  useEffect(() => setJump(null), [focusMessageId]);
  const actions = useMemo<MessageActions>(
    () => ({
      reply: (message) => setReplyTo(message),
      openThread: (rootId) => setThreadRoot(rootId),
      jumpTo: (messageId) => setJump((current) => ({ id: messageId, n: (current?.n ?? 0) + 1 })),
      react: (message, emoji, on) => {
        setRelationError(null);
        void api.react({ conversationId: message.conversationId, messageId: message.id, emoji, on }).then((result) => {
          if (result.ok) pages.put(result.value);
          else setRelationError(result.error);
        });
      },
    }),
    // pages.put is stable (a useCallback without dependencies).
    [api, pages.put],
  );

  const people = isGroup
    ? (group?.members.map((m) => m.userId).filter((id) => id !== me) ?? [])
    : summary.peer
      ? [summary.peer]
      : [];
  const peopleKey = people.join('|');

  const loadContacts = useCallback(async () => {
    const results = await Promise.all(
      peopleKey
        .split('|')
        .filter(Boolean)
        .map((userId) => api.getContact({ userId })),
    );
    setContacts(results.flatMap((r) => (r.ok ? [r.value] : [])));
  }, [api, peopleKey]);

  useEffect(() => {
    void loadContacts();
  }, [loadContacts]);
  useApiEvent('keyChange', ({ userId }) => {
    if (peopleKey.split('|').includes(userId)) void loadContacts();
  });
  useApiEvent('contactKeyPending', ({ userId }) => {
    if (peopleKey.split('|').includes(userId)) void loadContacts();
  });
  useApiEvent('contactKeyPendingEnded', ({ userId }) => {
    if (peopleKey.split('|').includes(userId)) void loadContacts();
  });

  useEffect(() => {
    void api.markRead({ conversationId: summary.id });
  }, [api, summary.id]);
  useApiEvent('message', ({ message }) => {
    if (message.conversationId === summary.id && !message.outgoing && document.visibilityState === 'visible') {
      void api.markRead({ conversationId: summary.id });
    }
  });

  // The user looked at a verified contact's key change: the messages that waited for it go out.
  const acknowledge = useCallback(
    async (userId: string) => {
      setRetryError(null);
      const result = await api.acknowledgeKeyChange({ userId });
      if (!result.ok) return setRetryError(result.error);
      setContacts((current) => current.map((c) => (c.userId === userId ? result.value : c)));
    },
    [api],
  );

  const retry = useCallback(
    async (message: MessageView) => {
      setRetryError(null);
      const result = await api.retryMessage({
        conversationId: message.conversationId,
        clientMessageId: message.clientMessageId,
      });
      if (result.ok) pages.put(result.value);
      else setRetryError(result.error);
    },
    [api, pages],
  );

  const changed = contacts.filter((c) => c.keyChanged);
  const peerContact = !isGroup ? contacts[0] : undefined;
  const privacy = usePrivacy();
  // Already loaded messages of someone just blocked disappear too (the service hides them from then on).
  const blockedUsers = privacy.privacy?.blockedUsers;
  const visiblePages = useMemo(
    () =>
      blockedUsers && blockedUsers.length > 0
        ? { ...pages, messages: pages.messages.filter((m) => !blockedUsers.includes(m.sender)) }
        : pages,
    [pages, blockedUsers],
  );
  const peerBlocked = summary.peer !== undefined && privacy.privacy?.blockedUsers.includes(summary.peer) === true;
  const retention = summary.retentionSeconds > 0 ? retentionParts(summary.retentionSeconds) : null;

  const removed =
    isGroup &&
    (groupError?.code === 'NOT_MEMBER' || groupError?.code === 'FORBIDDEN' || groupError?.code === 'NOT_FOUND');
  let disabledReason: string | undefined;
  if (removed) disabledReason = t('notMember');
  else if (summary.rekeyRequired) disabledReason = t('rekeyWaiting');
  else if (isGroup && group && !group.allowedActions.includes('post')) disabledReason = t('cannotPost');
  else if (peerContact?.status === 'disabled') disabledReason = t('peerDisabled');

  const readers = isGroup
    ? group
      ? t('groupReaders', { count: group.members.length })
      : null
    : t('directReaders', { name: summary.peer ? displayName(summary.peer) : summary.title });

  return (
    <section className="conversation" aria-label={summary.title}>
      <header className="conversation-header">
        <Avatar name={summary.title} />
        <div className="conversation-heading">
          <h2 title={summary.title}>{summary.title}</h2>
          {readers ? (
            <p className="muted conversation-readers" title={readers}>
              <Icon name="shield" size={14} /> <span className="conversation-readers-text">{readers}</span>
            </p>
          ) : null}
        </div>
        {peerContact ? (
          peerContact.verified && !peerContact.keyChanged ? (
            <Badge tone="success">{t('verified')}</Badge>
          ) : (
            <Badge>{t('notVerified')}</Badge>
          )
        ) : null}
        {summary.peer ? (
          <Button size="sm" aria-label={t('safetyNumber')} onClick={() => setSafetyFor(summary.peer ?? null)}>
            <Icon name="shield" size={16} /> <span className="header-action-label">{t('safetyNumber')}</span>
          </Button>
        ) : null}
        {summary.peer && privacy.privacy ? (
          <Button
            size="sm"
            variant={peerBlocked ? undefined : 'danger'}
            disabled={privacy.saving}
            data-testid="block-peer"
            onClick={() => summary.peer && void privacy.setBlocked(summary.peer, !peerBlocked)}
          >
            {peerBlocked ? t('unblock') : t('block')}
          </Button>
        ) : null}
        {isGroup && !removed ? (
          <Button
            size="sm"
            aria-expanded={detailsOpen}
            aria-controls="group-details"
            onClick={onToggleDetails}
            data-testid="group-details-toggle"
          >
            <Icon name="info" size={16} /> <span className="header-action-label">{t('details')}</span>
          </Button>
        ) : null}
      </header>
      {peerBlocked && summary.peer ? (
        <div className="banner" role="status" data-testid="blocked-banner">
          <Icon name="warning" size={16} /> {t('blockedBanner', { name: displayName(summary.peer) })}
        </div>
      ) : null}
      <ErrorText error={privacy.error} />
      {changed.map((contact) => (
        <div key={contact.userId} className="banner banner-danger" role="alert" data-testid="key-change-banner">
          <Icon name="warning" />
          <span>
            <strong>{t('keyChangedTitle', { name: displayName(contact.userId) })}</strong> {t('keyChangedBody')}
          </span>
          {contact.keyChangePending ? <span data-testid="key-change-held"> {t('keyChangeHeld')}</span> : null}
          <div className="spacer" />
          {contact.keyChangePending ? (
            <Button size="sm" onClick={() => void acknowledge(contact.userId)}>
              {t('acknowledgeKeyChange')}
            </Button>
          ) : null}
          <Button size="sm" variant="danger" onClick={() => setSafetyFor(contact.userId)}>
            {t('compareSafety')}
          </Button>
        </div>
      ))}
      {contacts
        .filter((c) => c.pendingKeyChange)
        .map((contact) => (
          <div key={contact.userId} className="banner banner-warning" role="alert" data-testid="key-pending-banner">
            <Icon name="warning" size={16} />{' '}
            {t('keyPending', {
              name: displayName(contact.userId),
              until: new Date(contact.pendingKeyChange?.effectiveAt ?? 0).toLocaleString(i18n.language),
            })}
          </div>
        ))}
      {removed ? (
        <div className="banner banner-warning" role="status" data-testid="not-member-banner">
          <Icon name="warning" size={16} /> {t('notMember')}
        </div>
      ) : null}
      {summary.rekeyRequired ? (
        <div className="banner banner-warning" role="status">
          <Icon name="warning" size={16} /> {t('rekeyBanner')}
        </div>
      ) : null}
      {retention ? (
        <div className="banner banner-info" role="note" data-testid="retention-banner">
          <Icon name="clock" size={16} />{' '}
          {t('retentionBanner', {
            count: retention.count,
            unit: t(`units.${retention.unit}`, { count: retention.count }),
          })}
        </div>
      ) : null}
      <MessageActionsContext.Provider value={actions}>
        <div className="conversation-body">
          <div className="conversation-main">
            <MessageList
              pages={visiblePages}
              isGroup={isGroup}
              onRetry={(m) => void retry(m)}
              focusMessageId={jump?.id ?? focusMessageId}
              focusKey={jump?.n}
            />
            <ErrorText error={retryError ?? relationError} />
            <Composer
              conversationId={summary.id}
              peerUserIds={people}
              disabledReason={disabledReason}
              paymentsAllowed={isGroup ? (group?.allowedActions.includes('pay') ?? false) : true}
              onSent={pages.put}
              initialDraft={summary.draft}
              onDraftSaved={onSummary}
              replyTo={replyTo}
              onCancelReply={() => setReplyTo(undefined)}
            />
          </div>
          {threadRoot ? (
            <ThreadPanel
              conversationId={summary.id}
              rootId={threadRoot}
              onClose={() => setThreadRoot(null)}
              canReply={disabledReason === undefined}
            />
          ) : null}
        </div>
      </MessageActionsContext.Provider>
      {safetyFor ? (
        <SafetyNumberDialog
          userId={safetyFor}
          open
          onOpenChange={(open) => !open && setSafetyFor(null)}
          onVerified={() => void loadContacts()}
        />
      ) : null}
    </section>
  );
}
