import path from 'node:path';
import type { StaticMount } from './static-files';

// Where the renderer's files live: Vite builds renderer/ into
// build/renderer-dist with relative asset URLs, so one mount serves it all
// (and refuses anything outside it).

/** The repository (or unpacked app) root, from this file's place in build/electron/src/node/web. */
export const APP_ROOT = path.resolve(__dirname, '..', '..', '..', '..', '..');

export function rendererMounts(root: string = APP_ROOT): StaticMount[] {
  return [{ prefix: '/', dir: path.join(root, 'build', 'renderer-dist') }];
}
