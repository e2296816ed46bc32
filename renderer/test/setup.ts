import { cleanup } from '@testing-library/react';
import { afterEach, vi } from 'vitest';

// jsdom lacks a few browser APIs the UI touches; plain stand-ins suffice.
afterEach(() => cleanup());

if (!globalThis.matchMedia) {
  globalThis.matchMedia = (query: string) =>
    ({
      matches: false,
      media: query,
      onchange: null,
      addEventListener: () => undefined,
      removeEventListener: () => undefined,
      addListener: () => undefined,
      removeListener: () => undefined,
      dispatchEvent: () => false,
    }) as MediaQueryList;
}
if (!globalThis.ResizeObserver) {
  globalThis.ResizeObserver = class {
    observe() {}
    unobserve() {}
    disconnect() {}
  };
}

// No test may depend on the day it runs: the wall clock here sits years away
// from the fake API's clock (FAKE_NOW), so a component that reads Date.now()
// where it should read useClock() fails every time, not a week after landing.
vi.useFakeTimers({ toFake: ['Date'], now: Date.UTC(2031, 5, 15, 12, 0) });
