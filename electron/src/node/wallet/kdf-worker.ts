import { parentPort, workerData } from 'node:worker_threads';
import sodium = require('libsodium-wrappers-sumo');

// Runs one Argon2id derivation and exits. A worker, because the derivation
// blocks for seconds and grows WebAssembly memory to memlimit, which never
// shrinks: ending the worker gives it back and keeps the main loop free.
// The sumo build is only loaded here (the standard build has no crypto_pwhash).

interface Job {
  readonly passphrase: Uint8Array;
  readonly salt: Uint8Array;
  readonly opslimit: number;
  readonly memlimit: number;
  readonly keyBytes: number;
}

void sodium.ready.then(() => {
  const job = workerData as Job;
  try {
    const key = sodium.crypto_pwhash(
      job.keyBytes,
      job.passphrase,
      job.salt,
      job.opslimit,
      job.memlimit,
      sodium.crypto_pwhash_ALG_ARGON2ID13,
    );
    sodium.memzero(job.passphrase);
    parentPort?.postMessage({ key });
  } catch (error) {
    parentPort?.postMessage({ error: error instanceof Error ? error.message : String(error) });
  }
});
