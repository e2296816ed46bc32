import sodium = require('libsodium-wrappers');

// libsodium's WebAssembly initialises asynchronously, and its functions are
// attached to the module object only then: `import * as` would copy the
// object too early, so this is the one place that touches the module.

export type Sodium = typeof sodium;

let loaded: Promise<Sodium> | undefined;

/** The initialised libsodium; every public entry point awaits this first. */
export function loadSodium(): Promise<Sodium> {
  loaded ??= sodium.ready.then(() => sodium);
  return loaded;
}
