import { Suspense, lazy } from 'react';
import { Spinner } from '../../components/ui';
import type { MessageListProps } from './message-list';

// The message list (react-virtuoso and the bubbles) is a chunk of its own:
// the first screen is the conversation list, which need not wait for it. The
// chats page starts fetching it as soon as it is on screen
// (preloadMessageList), so opening a conversation seldom waits; when it does,
// the list's own first-page placeholder shows meanwhile.

const load = () => import('./message-list');
const Loaded = lazy(() => load().then((m) => ({ default: m.MessageList })));

/** Starts fetching the list's chunk; a failure here is met again, and shown, when the list renders. */
export function preloadMessageList(): void {
  load().catch(() => undefined);
}

export function MessageList(props: MessageListProps) {
  return (
    <Suspense
      fallback={
        <div className="message-list-empty">
          <Spinner />
        </div>
      }
    >
      <Loaded {...props} />
    </Suspense>
  );
}
