import { homedir } from 'node:os';
import path from 'node:path';

/** The repository root (this file is build/network/src/paths.js once compiled). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

/** Binaries are cached per user, never inside the repository. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.KTALK_CACHE ?? path.join(env.XDG_CACHE_HOME ?? path.join(homedir(), '.cache'), 'ktalk');
}

export function binCacheDir(component: string, version: string, env: NodeJS.ProcessEnv = process.env): string {
  return path.join(cacheDir(env), component, version, 'bin');
}

/** The development network's data dir, when KTALK_NETWORK_DIR names no other. */
export function defaultDataDir(): string {
  return path.join(REPO_ROOT, '.ktalk', 'network');
}

/** Network state (crypto, ledgers, logs, pids). Wiped by network:reset. */
export function dataDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.KTALK_NETWORK_DIR ?? defaultDataDir());
}
