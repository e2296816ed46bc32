import { useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConversationSummary } from '../../../../electron/src/common/api';
import { Dialog, Input } from '../../components/ui';
import { displayName } from '../../lib/names';

// Ctrl/Cmd+K: type part of a conversation's name, arrows pick, Enter opens.

const MAX_SHOWN = 20;

function matches(conversation: ConversationSummary, query: string): boolean {
  const q = query.trim().toLowerCase();
  if (!q) return true;
  const names = [conversation.title, conversation.peer ? displayName(conversation.peer) : ''];
  return names.some((name) => name.toLowerCase().includes(q));
}

export function QuickSwitcher({
  open,
  onOpenChange,
  conversations,
  onSelect,
}: {
  readonly open: boolean;
  readonly onOpenChange: (open: boolean) => void;
  readonly conversations: readonly ConversationSummary[];
  readonly onSelect: (id: string) => void;
}) {
  const { t } = useTranslation('chats');
  const [query, setQuery] = useState('');
  const [index, setIndex] = useState(0);
  const shown = conversations.filter((c) => matches(c, query)).slice(0, MAX_SHOWN);
  const current = Math.min(index, Math.max(shown.length - 1, 0));

  const close = (next: boolean) => {
    onOpenChange(next);
    if (!next) {
      setQuery('');
      setIndex(0);
    }
  };
  const choose = (conversation: ConversationSummary | undefined) => {
    if (!conversation) return;
    onSelect(conversation.id);
    close(false);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      setIndex((current + step + shown.length) % Math.max(shown.length, 1));
    } else if (event.key === 'Enter' && !event.nativeEvent.isComposing) {
      event.preventDefault();
      choose(shown[current]);
    }
  };

  return (
    <Dialog open={open} onOpenChange={close} title={t('quickSwitchTitle')}>
      <Input
        autoFocus
        type="search"
        aria-label={t('quickSwitchLabel')}
        placeholder={t('quickSwitchLabel')}
        value={query}
        onChange={(event) => {
          setQuery(event.target.value);
          setIndex(0);
        }}
        onKeyDown={onKeyDown}
        role="combobox"
        aria-expanded="true"
        aria-controls="quick-switch-list"
        aria-activedescendant={shown[current] ? `quick-switch-${current}` : undefined}
      />
      {shown.length === 0 ? <p className="muted">{t('quickSwitchEmpty')}</p> : null}
      <ul className="quick-switch-list" id="quick-switch-list" role="listbox" aria-label={t('quickSwitchTitle')}>
        {shown.map((c, i) => (
          <li
            key={c.id}
            id={`quick-switch-${i}`}
            role="option"
            aria-selected={i === current}
            className="quick-switch-item"
            onClick={() => choose(c)}
          >
            {c.title}
          </li>
        ))}
      </ul>
    </Dialog>
  );
}
