import { type ComponentType, type ReactNode, Suspense, createElement, lazy, useState } from 'react';

// A component kept out of the first download and fetched on first use (or
// earlier, by preload, once the first screen is up). Rendered through
// useComponent: the loaded component itself once its chunk is here, so a
// part that was preloaded never suspends — a suspended render keeps its
// fallback on screen for React's reveal throttle (~300 ms) even when the
// chunk is already in memory.

export interface OnFirstUse<P> {
  /** Starts fetching; a failure is left for the render to meet (and show). */
  readonly preload: () => void;
  /** The component to render under a Suspense boundary; fixed per mount, so a switch never remounts it. */
  readonly useComponent: () => ComponentType<P>;
}

export function onFirstUse<P extends object>(load: () => Promise<ComponentType<P>>): OnFirstUse<P> {
  let loaded: ComponentType<P> | undefined;
  const fetchIt = async () => {
    loaded = await load();
    return loaded;
  };
  const Lazy = lazy(async () => ({ default: await fetchIt() }));
  return {
    preload: () => {
      fetchIt().catch(() => undefined);
    },
    useComponent: () => useState<ComponentType<P>>(() => loaded ?? Lazy)[0],
  };
}

/** The part under its own Suspense boundary, `fallback` holding its place until its chunk is here. */
export function withPlaceholder<P extends object>(part: OnFirstUse<P>, fallback: ReactNode): ComponentType<P> {
  function WithPlaceholder(props: P) {
    const Part = part.useComponent();
    return createElement(Suspense, { fallback }, createElement(Part, props));
  }
  return WithPlaceholder;
}
