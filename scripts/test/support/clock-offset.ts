/**
 * Runs `build` with this process's clock shifted by `offsetMs`, for tests that
 * play a client whose clock is wrong.
 *
 * fabric-gateway stamps a proposal's channel header with `new Date()` inside
 * `contract.newProposal()`, which builds and returns the proposal
 * synchronously; endorsing and submitting it later reuse that timestamp. So
 * shifting the Date global for that one synchronous call is enough, and
 * nothing else sees the shifted clock: gRPC deadlines (computed from
 * `Date.now()` on every call), timers and concurrent calls keep real time.
 * A `--require` preload in a child process would shift the whole attacker
 * process instead, deadlines included.
 */
export function withClockOffset<T>(offsetMs: number, build: () => T): T {
  if (offsetMs === 0) return build();
  const RealDate = globalThis.Date;
  const shifted = new Proxy(RealDate, {
    construct(target, args: unknown[], newTarget: new (...a: unknown[]) => object): object {
      // Only "now" moves; explicit dates keep their meaning.
      if (args.length === 0) return new target(target.now() + offsetMs);
      return Reflect.construct(target, args, newTarget) as object;
    },
    get(target, property, receiver): unknown {
      if (property === 'now') return (): number => target.now() + offsetMs;
      return Reflect.get(target, property, receiver) as unknown;
    },
  });
  globalThis.Date = shifted;
  try {
    const result = build();
    // An async build would run past the finally below on the real clock.
    if (result instanceof Promise) throw new Error('withClockOffset needs a synchronous build');
    return result;
  } finally {
    globalThis.Date = RealDate;
  }
}
