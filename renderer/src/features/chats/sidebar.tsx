import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError, ConversationSummary, SearchHit } from '../../../../electron/src/common/api';
import { ATTACHMENT_MARK, textPreview } from '../../../../electron/src/common/message-preview';
import { useApi } from '../../api/context';
import { Icon } from '../../components/ui/icons';
import { Avatar, Badge, Button, EmptyState, ErrorText, Input, Spinner } from '../../components/ui';
import { useClock } from '../../lib/clock';

function timeLabel(at: number | undefined, language: string, now: number): string {
  if (!at) return '';
  const date = new Date(at);
  const sameDay = new Date(now).toDateString() === date.toDateString();
  return new Intl.DateTimeFormat(
    language,
    sameDay ? { hour: '2-digit', minute: '2-digit' } : { month: 'short', day: 'numeric' },
  ).format(date);
}

/** A files-only preview ("📎 name") shows the paper-clip icon: not every system has an emoji font. */
function Preview({ text }: { readonly text: string }) {
  const { t } = useTranslation('chats');
  if (!text.startsWith(ATTACHMENT_MARK)) return <>{text}</>;
  return (
    <>
      <Icon name="attach" size={12} label={t('fileMessage')} /> {text.slice(ATTACHMENT_MARK.length)}
    </>
  );
}

export function Sidebar({
  conversations,
  error,
  activeId,
  onSelect,
  onNewChat,
  onNewGroup,
  onOpenHit,
}: {
  readonly conversations: ConversationSummary[] | null;
  readonly error: ApiError | null;
  readonly activeId: string | undefined;
  readonly onSelect: (id: string) => void;
  readonly onNewChat: () => void;
  readonly onNewGroup: () => void;
  readonly onOpenHit: (hit: SearchHit) => void;
}) {
  const { t, i18n } = useTranslation('chats');
  const api = useApi();
  const clock = useClock();
  const [query, setQuery] = useState('');
  const [hits, setHits] = useState<SearchHit[] | null>(null);
  const [searchError, setSearchError] = useState<ApiError | null>(null);

  useEffect(() => {
    const q = query.trim();
    if (!q) {
      setHits(null);
      return;
    }
    // Wait for a pause in typing; the search runs on this device's index only.
    const timer = setTimeout(() => {
      void api.search({ query: q, limit: 50 }).then((result) => {
        if (result.ok) {
          setHits(result.value);
          setSearchError(null);
        } else setSearchError(result.error);
      });
    }, 250);
    return () => clearTimeout(timer);
  }, [api, query]);

  const titleOf = (id: string) => conversations?.find((c) => c.id === id)?.title ?? '';

  return (
    <aside className="sidebar" aria-label={t('conversations')}>
      <div className="sidebar-header">
        <h1>{t('title')}</h1>
        <div className="row">
          <Button variant="ghost" size="icon" aria-label={t('newChat')} onClick={onNewChat} data-testid="new-chat">
            <Icon name="plus" />
          </Button>
          <Button
            variant="ghost"
            size="icon"
            aria-label={t('groups:newGroup')}
            onClick={onNewGroup}
            data-testid="new-group"
          >
            <Icon name="group" />
          </Button>
        </div>
      </div>
      <div className="sidebar-search">
        <Input
          type="search"
          placeholder={t('searchPlaceholder')}
          aria-label={t('searchLabel')}
          value={query}
          onChange={(e) => setQuery(e.target.value)}
        />
      </div>
      {hits ? (
        <div className="search-results" role="region" aria-label={t('searchResults')}>
          <p className="sidebar-section muted">{t('searchCount', { count: hits.length })}</p>
          <ErrorText error={searchError} />
          <ul className="conversation-list">
            {hits.map((hit) => (
              <li key={hit.messageId}>
                <button type="button" className="conversation-item" onClick={() => onOpenHit(hit)}>
                  <span className="conversation-text">
                    <span className="conversation-title">
                      <span className="conversation-title-text">{titleOf(hit.conversationId)}</span>
                    </span>
                    <span className="conversation-preview">{hit.snippet}</span>
                  </span>
                  <span className="conversation-time">{timeLabel(hit.sentAt, i18n.language, clock())}</span>
                </button>
              </li>
            ))}
          </ul>
        </div>
      ) : (
        <nav aria-label={t('conversations')} className="conversation-nav">
          <ErrorText error={error} />
          {conversations === null && !error ? <Spinner /> : null}
          {conversations?.length === 0 ? (
            <EmptyState title={t('noConversations')}>{t('noConversationsHint')}</EmptyState>
          ) : null}
          <ul className="conversation-list">
            {conversations?.map((c) => (
              <li key={c.id}>
                <button
                  type="button"
                  className="conversation-item"
                  aria-current={c.id === activeId ? 'true' : undefined}
                  onClick={() => onSelect(c.id)}
                  data-conversation={c.id}
                >
                  <Avatar name={c.title} />
                  <span className="conversation-text">
                    <span className="conversation-title" title={c.title}>
                      {c.kind === 'group' ? <Icon name="group" size={14} label={t('group')} /> : null}
                      {/* Its own box: text in a flex row is clipped without an ellipsis. */}
                      <span className="conversation-title-text">{c.title}</span>
                    </span>
                    <span className="conversation-preview" data-testid="conversation-preview">
                      {c.draft !== undefined ? (
                        <>
                          <span className="draft-label">{t('draftLabel')}</span> {textPreview(c.draft, [])}
                        </>
                      ) : (
                        <Preview text={c.lastPreview ?? ''} />
                      )}
                    </span>
                  </span>
                  <span className="conversation-side">
                    <span className="conversation-time">{timeLabel(c.lastMessageAt, i18n.language, clock())}</span>
                    {/* The conversation on screen is being read: no badge, whatever arrives. */}
                    {c.unread > 0 && c.id !== activeId ? (
                      <Badge tone="info" aria-label={t('unread', { count: c.unread })}>
                        {c.unread}
                      </Badge>
                    ) : null}
                  </span>
                </button>
              </li>
            ))}
          </ul>
        </nav>
      )}
    </aside>
  );
}
