import path from 'node:path';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The renderer bundle: one HTML entry, relative asset URLs ("./") so the
// same files load under Electron's app:// scheme and in the local web mode.
const here = path.dirname(new URL(import.meta.url).pathname);

export default defineConfig({
  root: here,
  base: './',
  plugins: [react()],
  // The protocol's zod-free modules, from source (the package's dist is CommonJS for Node).
  resolve: {
    alias: [
      {
        find: /^@ktalk\/protocol\/(group-roles|limits)$/,
        replacement: path.resolve(here, '..', 'protocol', 'src', '$1.ts'),
      },
    ],
  },
  build: {
    outDir: path.resolve(here, '..', 'build', 'renderer-dist'),
    emptyOutDir: true,
    // No inline assets: the CSP allows only 'self' (data: images are allowed, fonts are not used).
    assetsInlineLimit: 0,
    // Modulepreload polyfill would be an inline script in some setups; modern Chromium needs none.
    modulePreload: { polyfill: false },
    sourcemap: true,
    chunkSizeWarningLimit: 2000,
    rolldownOptions: {
      output: {
        // A feature's strings or page entry is named for its feature ("sharing-strings", "payments-page"),
        // so the chunk list bench:ui prints says what each one holds.
        chunkFileNames: (chunk) => {
          const entry = /features\/([^/]+)\/(locales|page)\.tsx?$/.exec(chunk.facadeModuleId ?? '');
          const name = entry ? `${entry[1]}-${entry[2] === 'locales' ? 'strings' : 'page'}` : '[name]';
          return `assets/${name}-[hash].js`;
        },
      },
    },
  },
});
