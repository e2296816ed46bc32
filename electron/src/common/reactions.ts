import type { ReactionSummary } from './api';

// What a reaction's key may be, checked the same way by the API's argument
// schema, the content codec and the UI's free-text emoji input: one emoji
// (a pictograph, a flag, a keycap, with its modifiers and joiners), nothing
// else, so a reaction can never carry a message of its own.

export const MAX_REACTION_KEY_CHARS = 32;

const EMOJI_KEY =
  /^(?:\p{Extended_Pictographic}|\p{Regional_Indicator}|[#*0-9]\uFE0F?\u20E3)(?:\p{Extended_Pictographic}|\p{Regional_Indicator}|\p{Emoji_Modifier}|\u200D|\uFE0F|\u20E3|[\u{E0020}-\u{E007F}])*$/u;

export function isEmojiKey(key: string): boolean {
  return key.length > 0 && key.length <= MAX_REACTION_KEY_CHARS && EMOJI_KEY.test(key);
}

/** The quick reactions offered under a message; any other emoji can be typed. */
export const QUICK_REACTIONS = ['👍', '❤️', '😂', '🎉', '😮', '🙏'] as const;

/** How many reactors a message's view names per emoji (the count is always exact). */
export const REACTORS_NAMED = 20;

/** One toggle of a reaction, in ledger order (the store's rows; the fake API's list). */
export interface ReactionToggle {
  readonly sender: string;
  readonly key: string;
  readonly on: boolean;
}

/**
 * Reaction rows in ledger order, folded: per sender and emoji the last
 * toggle wins, so a user counts once however many devices or retries sent
 * it. Linear in the rows; emojis in the order first reacted.
 */
export function aggregateReactions(rows: readonly ReactionToggle[], me: string): ReactionSummary[] {
  const latest = new Map<string, Map<string, boolean>>();
  for (const row of rows) {
    let senders = latest.get(row.key);
    if (!senders) latest.set(row.key, (senders = new Map()));
    senders.delete(row.sender); // re-inserted: a sender's order is their latest toggle
    senders.set(row.sender, row.on);
  }
  const out: ReactionSummary[] = [];
  for (const [emoji, senders] of latest) {
    const by: string[] = [];
    let count = 0;
    for (const [sender, on] of senders) {
      if (!on) continue;
      count++;
      if (by.length < REACTORS_NAMED) by.push(sender);
    }
    if (count > 0) out.push({ emoji, count, mine: senders.get(me) === true, by });
  }
  return out;
}
