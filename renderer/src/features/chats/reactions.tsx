import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MessageView, ReactionSummary } from '../../../../electron/src/common/api';
import { QUICK_REACTIONS, isEmojiKey } from '../../../../electron/src/common/reactions';
import { useSession } from '../../api/context';
import { Tooltip } from '../../components/ui';
import { displayName } from '../../lib/names';
import { useMessageActions } from './message-actions';

// A message's reactions: one chip per emoji with its count (pressed when
// mine; clicking toggles mine), who reacted on hover or focus; and the
// "add a reaction" popover with quick reactions and a free emoji field. The
// view model already folded the reactions, so a message with 1,000 of them
// renders a handful of chips.

function Chip({ message, reaction }: { message: MessageView; reaction: ReactionSummary }) {
  const { t } = useTranslation('chats');
  const actions = useMessageActions();
  const me = useSession().account?.userId;
  const names = reaction.by.map((id) => (id === me ? t('relations.you') : displayName(id)));
  const more = reaction.count - reaction.by.length;
  const label = t('relations.reactionSummary', {
    emoji: reaction.emoji,
    count: reaction.count,
    names: [...names, ...(more > 0 ? [t('relations.andMore', { count: more })] : [])].join(', '),
  });
  return (
    <Tooltip content={label}>
      <button
        type="button"
        className="reaction-chip"
        aria-pressed={reaction.mine}
        aria-label={label}
        data-testid="reaction-chip"
        data-emoji={reaction.emoji}
        onClick={() => actions?.react(message, reaction.emoji, !reaction.mine)}
      >
        <span aria-hidden="true">{reaction.emoji}</span>
        <span className="reaction-count">{reaction.count}</span>
      </button>
    </Tooltip>
  );
}

export function Reactions({ message }: { message: MessageView }) {
  const reactions = message.reactions ?? [];
  if (reactions.length === 0) return null;
  return (
    <div className="reactions" data-testid="reactions">
      {reactions.map((r) => (
        <Chip key={r.emoji} message={message} reaction={r} />
      ))}
    </div>
  );
}

export function ReactionPicker({ message, onDone }: { message: MessageView; onDone: () => void }) {
  const { t } = useTranslation('chats');
  const actions = useMessageActions();
  const [other, setOther] = useState('');
  const [invalid, setInvalid] = useState(false);
  const fieldId = useId();
  const mine = new Set((message.reactions ?? []).filter((r) => r.mine).map((r) => r.emoji));
  const pick = (emoji: string) => {
    actions?.react(message, emoji, !mine.has(emoji));
    onDone();
  };
  return (
    <div
      className="reaction-picker"
      role="group"
      aria-label={t('relations.react')}
      data-testid="reaction-picker"
      onKeyDown={(event) => event.key === 'Escape' && onDone()}
    >
      {QUICK_REACTIONS.map((emoji) => (
        <button
          key={emoji}
          type="button"
          className="reaction-quick"
          aria-pressed={mine.has(emoji)}
          aria-label={t('relations.reactWith', { emoji })}
          onClick={() => pick(emoji)}
        >
          {emoji}
        </button>
      ))}
      <form
        className="reaction-other"
        onSubmit={(event) => {
          event.preventDefault();
          const emoji = other.trim();
          if (!isEmojiKey(emoji)) return setInvalid(true);
          pick(emoji);
        }}
      >
        <label htmlFor={fieldId} className="visually-hidden">
          {t('relations.otherEmoji')}
        </label>
        <input
          id={fieldId}
          className="input reaction-other-input"
          value={other}
          placeholder={t('relations.otherEmoji')}
          aria-invalid={invalid || undefined}
          data-testid="reaction-other"
          onChange={(event) => {
            setOther(event.target.value);
            setInvalid(false);
          }}
        />
        <button type="submit" className="reaction-quick">
          {t('relations.otherEmojiAdd')}
        </button>
      </form>
      {invalid ? (
        <p className="error-text" role="alert">
          {t('relations.notAnEmoji')}
        </p>
      ) : null}
    </div>
  );
}
