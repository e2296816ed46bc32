import path from 'node:path';
import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

const here = path.dirname(new URL(import.meta.url).pathname);

export default defineConfig({
  root: here,
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
  test: {
    environment: 'jsdom',
    include: ['test/**/*.test.tsx', 'test/**/*.test.ts'],
    setupFiles: ['test/setup.ts'],
    css: false,
    testTimeout: 20_000,
  },
});
