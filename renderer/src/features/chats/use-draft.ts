import { useCallback, useEffect, useRef } from 'react';
import type { ConversationSummary } from '../../../../electron/src/common/api';
import { useApi } from '../../api/context';

/** A pause in typing this long saves the draft (not every keystroke crosses to the service). */
export const DRAFT_SAVE_DELAY_MS = 500;

// Keeps the composer's unsent text as the conversation's draft, in the
// account's encrypted store (saveDraft): after a pause in typing, and at once
// when the composer goes away (another conversation opened, the page left).
// Sending clears the draft on the service's side; `cancel` drops what is
// still waiting here so an old text does not come back after the send.

export function useDraft(conversationId: string, onSaved?: (conversation: ConversationSummary) => void) {
  const api = useApi();
  const pending = useRef<string | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const saved = useRef(onSaved);
  saved.current = onSaved;

  const flush = useCallback(() => {
    clearTimeout(timer.current);
    timer.current = undefined;
    const text = pending.current;
    if (text === null) return;
    pending.current = null;
    void api.saveDraft({ conversationId, text }).then((result) => {
      if (result.ok) saved.current?.(result.value);
    });
  }, [api, conversationId]);

  const schedule = useCallback(
    (text: string) => {
      pending.current = text;
      clearTimeout(timer.current);
      timer.current = setTimeout(flush, DRAFT_SAVE_DELAY_MS);
    },
    [flush],
  );

  const cancel = useCallback(() => {
    clearTimeout(timer.current);
    timer.current = undefined;
    pending.current = null;
  }, []);

  useEffect(() => {
    window.addEventListener('pagehide', flush);
    return () => {
      window.removeEventListener('pagehide', flush);
      flush();
    };
  }, [flush]);

  return { schedule, cancel };
}
