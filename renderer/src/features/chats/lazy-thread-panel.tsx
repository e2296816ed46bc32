import { Spinner } from '../../components/ui';
import { onFirstUse, withPlaceholder } from '../../lib/on-first-use';
import type { ThreadPanelProps } from './thread-panel';

// The thread side panel is fetched the first time a thread is opened: it
// stays out of the first download.

const panel = onFirstUse<ThreadPanelProps>(async () => (await import('./thread-panel')).ThreadPanel);

export const ThreadPanel = withPlaceholder(
  panel,
  <aside className="thread-panel">
    <Spinner />
  </aside>,
);
