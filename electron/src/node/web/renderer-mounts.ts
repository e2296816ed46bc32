import path from 'node:path';
import type { StaticMount } from './static-files';

// Where the renderer's files live: renderer/index.html loads its script as
// ../build/renderer/src/main.js, which a browser resolves to
// /build/renderer/src/main.js. So two mounts, each refusing anything outside.

/** The repository (or unpacked app) root, from this file's place in build/electron/src/node/web. */
export const APP_ROOT = path.resolve(__dirname, '..', '..', '..', '..', '..');

export function rendererMounts(root: string = APP_ROOT): StaticMount[] {
  return [
    { prefix: '/', dir: path.join(root, 'renderer') },
    { prefix: '/build/renderer/', dir: path.join(root, 'build', 'renderer') },
  ];
}
