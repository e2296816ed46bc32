import { type ComponentType, Suspense, lazy, useState } from 'react';
import { Spinner } from '../components/ui';
import { type LaterNamespace, loadNamespaceStrings } from '../i18n';
import { type OnFirstUse, withPlaceholder } from '../lib/on-first-use';

// Other features' pages and parts fetched on first use, so the first screen
// (sign-in, the chat list, a chat) downloads only what it shows. A page waits
// under the shell's page fallback; a dialog or pane waits under its own
// Suspense, so the chat around it never blanks while it loads.

/** A page in its own chunk; its strings (if they are not bundled) are fetched beside it, not after it. */
export function lazyPage(load: () => Promise<ComponentType<object>>, strings?: LaterNamespace): ComponentType<object> {
  return lazy(async () => {
    const [page] = await Promise.all([load(), strings ? loadNamespaceStrings(strings) : undefined]);
    return { default: page };
  });
}

/** A dialog mounted the first time it opens, then kept mounted as a static one would be. */
export function lazyDialog<P extends { readonly open: boolean }>(part: OnFirstUse<P>): ComponentType<P> {
  function Opened(props: P) {
    const Dialog = part.useComponent();
    return (
      <Suspense fallback={null}>
        <Dialog {...props} />
      </Suspense>
    );
  }
  function LazyDialog(props: P) {
    const [opened, setOpened] = useState(props.open);
    if (props.open && !opened) setOpened(true);
    return opened ? <Opened {...props} /> : null;
  }
  return LazyDialog;
}

/** A side pane; a spinner holds its place if its chunk is not here yet. */
export function lazyPane<P extends object>(part: OnFirstUse<P>): ComponentType<P> {
  return withPlaceholder(
    part,
    <div className="page-loading">
      <Spinner />
    </div>,
  );
}
