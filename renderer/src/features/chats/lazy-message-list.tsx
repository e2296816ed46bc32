import { Spinner } from '../../components/ui';
import { onFirstUse, withPlaceholder } from '../../lib/on-first-use';
import type { MessageListProps } from './message-list';

// The message list (react-virtuoso and the bubbles) is a chunk of its own:
// the first screen is the conversation list, which need not wait for it. The
// chats page preloads it as soon as it is on screen, so opening a
// conversation seldom waits; when it does, the list's own first-page
// placeholder shows meanwhile.

const list = onFirstUse<MessageListProps>(async () => (await import('./message-list')).MessageList);

export const preloadMessageList = list.preload;

export const MessageList = withPlaceholder(
  list,
  <div className="message-list-empty">
    <Spinner />
  </div>,
);
