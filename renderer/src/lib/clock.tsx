import { createContext, useContext, type ReactNode } from 'react';

// The time the UI reads, passed in: the app gives the wall clock, tests and
// screenshots give a fixed one, so nothing on screen depends on the day a
// test happens to run.

export type Clock = () => number;

const ClockContext = createContext<Clock>(() => Date.now());

export function ClockProvider({ clock, children }: { readonly clock: Clock; readonly children: ReactNode }) {
  return <ClockContext.Provider value={clock}>{children}</ClockContext.Provider>;
}

/** The current clock; call it when the time is needed (at search, at submit), not once at render. */
export function useClock(): Clock {
  return useContext(ClockContext);
}
