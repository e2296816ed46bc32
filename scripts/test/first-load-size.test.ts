import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { FIRST_LOAD_BUDGET_GZIP_BYTES, firstLoadReport } from '../lib/first-load-size';

// The renderer's first screen stays within its JavaScript budget, and what is
// meant to load on first use is not in it. Reads the app build `npm test`
// makes first (skipped when there is none, e.g. a lone test file run).

const DIST = path.resolve(__dirname, '..', '..', 'renderer-dist');
// Chunks split off on purpose (vite.config.ts names a feature's strings "<f>-strings").
const ON_FIRST_USE = /^assets\/(sharing|admin|compliance|settings|groups|payments-page|message-list|[a-z]+-strings)-/;

describe('renderer first load', { skip: existsSync(path.join(DIST, 'index.html')) ? false : 'no build' }, () => {
  const report = firstLoadReport(DIST);

  it('is under the budget (gzip)', () => {
    assert.ok(
      report.firstLoadGzipBytes < FIRST_LOAD_BUDGET_GZIP_BYTES,
      `first load ${report.firstLoadGzipBytes} B gzip, budget ${FIRST_LOAD_BUDGET_GZIP_BYTES} B`,
    );
  });

  it('leaves the pages, strings and message list that load on first use out of it', () => {
    assert.deepEqual(
      report.firstLoad.map((chunk) => chunk.file).filter((file) => ON_FIRST_USE.test(file)),
      [],
    );
    const later = report.onDemand.map((chunk) => chunk.file);
    for (const part of [
      'sharing',
      'admin',
      'compliance',
      'settings',
      'payments-page',
      'message-list',
      'sharing-strings',
    ])
      assert.ok(
        later.some((file) => file.startsWith(`assets/${part}-`)),
        `${part} is not a chunk of its own: ${later.join(', ')}`,
      );
  });
});
