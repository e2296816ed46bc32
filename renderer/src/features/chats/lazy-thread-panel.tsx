import { Suspense } from 'react';
import { Spinner } from '../../components/ui';
import { onFirstUse } from '../../lib/on-first-use';
import type { ThreadPanelProps } from './thread-panel';

// The thread side panel is fetched the first time a thread is opened: it
// stays out of the first download.

const panel = onFirstUse<ThreadPanelProps>(async () => (await import('./thread-panel')).ThreadPanel);

export function ThreadPanel(props: ThreadPanelProps) {
  const Panel = panel.useComponent();
  return (
    <Suspense
      fallback={
        <aside className="thread-panel">
          <Spinner />
        </aside>
      }
    >
      <Panel {...props} />
    </Suspense>
  );
}
