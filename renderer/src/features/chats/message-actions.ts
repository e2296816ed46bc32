import { createContext, useContext } from 'react';
import type { MessageView } from '../../../../electron/src/common/api';

// What a bubble can ask the conversation to do with a message: answer it,
// open its thread, jump to the message a reply quotes, toggle a reaction.
// A context rather than props, so the memoised bubbles of a virtual list do
// not re-render when the conversation's handlers change.

export interface MessageActions {
  readonly reply: (message: MessageView) => void;
  readonly openThread: (rootId: string) => void;
  readonly jumpTo: (messageId: string) => void;
  readonly react: (message: MessageView, emoji: string, on: boolean) => void;
}

export const MessageActionsContext = createContext<MessageActions | null>(null);

export const useMessageActions = (): MessageActions | null => useContext(MessageActionsContext);
