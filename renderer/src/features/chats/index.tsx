import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError, GroupDetails, SearchHit } from '../../../../electron/src/common/api';
import { useApi, useApiEvent, useSession } from '../../api/context';
import { setActiveConversation } from '../../lib/active-conversation';
import { useChatAddons } from '../../lib/chat-addons';
import { EmptyState, ErrorText } from '../../components/ui';
import { ConversationView } from './conversation-view';
import { preloadMessageList } from './lazy-message-list';
import { loadLastConversation, saveLastConversation } from './last-conversation';
import { NewChatDialog } from './new-chat-dialog';
import { QuickSwitcher } from './quick-switcher';
import { ShortcutsSheet } from './shortcuts-sheet';
import { usePageShortcuts } from '../../lib/shortcuts';
import { Sidebar } from './sidebar';
import { useConversations } from './use-conversations';

export function ChatsPage() {
  const { t } = useTranslation('chats');
  const api = useApi();
  const { CreateGroupDialog, GroupDetailsPane, preload } = useChatAddons();
  const { conversations, error, upsert, clearUnread, reload } = useConversations();
  // Once the list is up, fetch what opening a conversation (or a group's dialogs) needs.
  useEffect(() => {
    preloadMessageList();
    preload?.();
  }, [preload]);
  const [activeId, setActiveId] = useState<string | undefined>();
  const [newChat, setNewChat] = useState(false);
  const [newGroup, setNewGroup] = useState(false);
  const [detailsOpen, setDetailsOpen] = useState(false);
  const [focus, setFocus] = useState<SearchHit | null>(null);
  const [switcher, setSwitcher] = useState(false);
  const [shortcuts, setShortcuts] = useState(false);
  usePageShortcuts({ switcher: () => setSwitcher(true), help: () => setShortcuts(true) });
  const [group, setGroup] = useState<GroupDetails | null>(null);
  const [groupError, setGroupError] = useState<ApiError | null>(null);
  const account = useSession().account;
  const me = account?.userId;
  const listed = conversations?.find((c) => c.id === activeId);
  // A direct conversation's summary may come without `peer`; the members list names them.
  const [peers, setPeers] = useState<Record<string, string>>({});
  const needsPeer = listed?.kind === 'direct' && !listed.peer && !peers[listed.id] ? listed.id : undefined;
  useEffect(() => {
    if (!needsPeer) return;
    void api.getGroup({ conversationId: needsPeer }).then((result) => {
      const peer = result.ok ? result.value.members.find((m) => m.userId !== me)?.userId : undefined;
      if (peer) setPeers((known) => ({ ...known, [needsPeer]: peer }));
    });
  }, [api, needsPeer, me]);
  const active = listed && !listed.peer && peers[listed.id] ? { ...listed, peer: peers[listed.id] } : listed;

  useEffect(() => {
    setActiveConversation(activeId);
    return () => setActiveConversation(undefined);
  }, [activeId]);

  // After a reload, the conversation that was open opens again (once the list has it).
  const restored = useRef(false);
  useEffect(() => {
    if (restored.current || !conversations) return;
    restored.current = true;
    const last = loadLastConversation(account?.accountId);
    if (last && conversations.some((c) => c.id === last)) setActiveId((current) => current ?? last);
  }, [conversations, account?.accountId]);
  useEffect(() => {
    if (restored.current) saveLastConversation(account?.accountId, activeId);
  }, [activeId, account?.accountId]);

  const loadGroup = useCallback(
    async (id: string) => {
      const result = await api.getGroup({ conversationId: id });
      if (result.ok) {
        setGroup(result.value);
        setGroupError(null);
        upsert(result.value.conversation);
      } else {
        // Removed: the old member list is no longer this person's to show.
        if (result.error.code === 'NOT_MEMBER') setGroup(null);
        setGroupError(result.error);
      }
    },
    [api, upsert],
  );

  const isGroup = active?.kind === 'group';
  useEffect(() => {
    setGroup(null);
    setGroupError(null);
    if (activeId && isGroup) void loadGroup(activeId);
  }, [activeId, isGroup, loadGroup]);
  useApiEvent('conversation', ({ conversation }) => {
    if (conversation.id === activeId && conversation.kind === 'group') void loadGroup(conversation.id);
  });

  const select = (id: string) => {
    setActiveId(id);
    setFocus(null);
    clearUnread(id);
  };

  const openHit = (hit: SearchHit) => {
    select(hit.conversationId);
    setFocus(hit);
  };

  return (
    <div className={`chats${detailsOpen && isGroup ? ' chats-with-details' : ''}`}>
      <Sidebar
        conversations={conversations}
        error={error}
        activeId={activeId}
        onSelect={select}
        onNewChat={() => setNewChat(true)}
        onNewGroup={() => setNewGroup(true)}
        onOpenHit={openHit}
      />
      {active ? (
        <ConversationView
          key={active.id}
          summary={active}
          group={isGroup ? group : undefined}
          groupError={isGroup ? groupError : null}
          focusMessageId={focus?.conversationId === active.id ? focus.messageId : undefined}
          detailsOpen={detailsOpen}
          onToggleDetails={() => setDetailsOpen((open) => !open)}
          onSummary={upsert}
        />
      ) : (
        <div className="conversation conversation-empty">
          <EmptyState title={t('pickConversation')}>{t('pickConversationHint')}</EmptyState>
        </div>
      )}
      {active && isGroup && detailsOpen ? (
        <div className="details-pane" id="group-details">
          <ErrorText error={groupError} onRetry={() => activeId && void loadGroup(activeId)} />
          {group ? (
            <GroupDetailsPane
              details={group}
              onChanged={(details) => {
                setGroup(details);
                upsert(details.conversation);
              }}
              onLeft={() => {
                setActiveId(undefined);
                setDetailsOpen(false);
                void reload();
              }}
              onClose={() => setDetailsOpen(false)}
            />
          ) : null}
        </div>
      ) : null}
      <QuickSwitcher open={switcher} onOpenChange={setSwitcher} conversations={conversations ?? []} onSelect={select} />
      <ShortcutsSheet open={shortcuts} onOpenChange={setShortcuts} />
      <NewChatDialog
        open={newChat}
        onOpenChange={setNewChat}
        onOpened={(conversation) => {
          upsert(conversation);
          select(conversation.id);
        }}
      />
      <CreateGroupDialog
        open={newGroup}
        onOpenChange={setNewGroup}
        onCreated={(conversation) => {
          upsert(conversation);
          select(conversation.id);
        }}
      />
    </div>
  );
}
