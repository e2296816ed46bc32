import type { Page } from 'playwright-core';
import path from 'node:path';
import { FIRST_LOAD_BUDGET_GZIP_BYTES, type FirstLoadReport, firstLoadReport } from './lib/first-load-size';
import { buildHarness, launchChromium, serveHarness } from './lib/ui-harness';

// npm run bench:ui: opens a 100,000-message conversation (fake API) in
// Chromium and reports time to first render and frame times while
// scrolling back through it (older pages load on the way).

const MESSAGES = Number(process.env.KTALK_BENCH_MESSAGES ?? 100_000);
const SCROLL_MS = Number(process.env.KTALK_BENCH_SCROLL_MS ?? 6_000);

interface Figures {
  openMs: number;
  frames: number[];
  loaded: number;
}

// Runs in the page (a string, so this Node-only project needs no DOM types).
const MEASURE = `async ({ scrollMs }) => {
  const started = performance.now();
  document.querySelector('.conversation-item').click();
  await new Promise((resolve) => {
    const check = () => (document.querySelector('[data-testid="message"]') ? resolve() : requestAnimationFrame(check));
    check();
  });
  await new Promise((r) => requestAnimationFrame(() => r()));
  const openMs = performance.now() - started;
  const scroller = document.querySelector('.message-list [data-virtuoso-scroller], .message-list');
  const frames = [];
  await new Promise((resolve) => {
    let last = performance.now();
    const end = last + scrollMs;
    const step = (t) => {
      frames.push(t - last);
      last = t;
      scroller.scrollTop = Math.max(0, scroller.scrollTop - 120);
      if (t < end) requestAnimationFrame(step);
      else resolve();
    };
    requestAnimationFrame(step);
  });
  return { openMs, frames: frames.slice(1), loaded: 0 };
}`;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function measure(page: Page): Promise<Figures> {
  const fn = `(${MEASURE})({ scrollMs: ${SCROLL_MS} })`;
  const figures = (await page.evaluate(fn)) as Figures;
  const loaded = (await page.evaluate(
    `[...window.ktalkFake.calls].filter((c) => c === 'listMessages').length`,
  )) as number;
  return { ...figures, loaded };
}

const kB = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;

/** Prints the first screen's JavaScript against its budget; false when over it. */
function printFirstLoad(report: FirstLoadReport): boolean {
  const ratio = report.firstLoadGzipBytes / FIRST_LOAD_BUDGET_GZIP_BYTES;
  console.log(
    `  first-load JavaScript (the app build's index.html entry + preloads): ${kB(report.firstLoadGzipBytes)} gzip, ` +
      `${(ratio * 100).toFixed(0)}% of the ${kB(FIRST_LOAD_BUDGET_GZIP_BYTES)} budget${ratio < 1 ? '' : ' — OVER BUDGET'}`,
  );
  for (const chunk of report.firstLoad)
    console.log(`    ${chunk.file}: ${kB(chunk.gzipBytes)} gzip (${kB(chunk.bytes)})`);
  const later = report.onDemand.reduce((sum, chunk) => sum + chunk.gzipBytes, 0);
  console.log(`  loaded on first use instead: ${report.onDemand.length} chunks, ${kB(later)} gzip`);
  return ratio < 1;
}

async function main(): Promise<void> {
  // `npm run bench:ui` builds the app first; this sizes that build, not the harness.
  const withinBudget = printFirstLoad(firstLoadReport(path.join(process.cwd(), 'build', 'renderer-dist')));
  await buildHarness();
  const server = await serveHarness();
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const t0 = Date.now();
    await page.goto(`${server.origin}/?user=Org1MSP::alice&seed=0&big=${MESSAGES}`);
    await page.locator('.conversation-item').first().waitFor();
    const appMs = Date.now() - t0;
    const { openMs, frames, loaded } = await measure(page);
    const sorted = [...frames].sort((a, b) => a - b);
    const rendered = (await page.evaluate(`document.querySelectorAll('[data-testid="message"]').length`)) as number;
    console.log(
      `UI bench: one conversation of ${MESSAGES.toLocaleString('en')} messages (fake API, headless Chromium)`,
    );
    console.log(`  app ready (load + first sidebar render): ${appMs} ms`);
    console.log(`  conversation first render (click → messages painted): ${openMs.toFixed(1)} ms`);
    console.log(
      `  scrolling back ${SCROLL_MS / 1000} s: ${frames.length} frames, frame time p50 ${percentile(sorted, 50).toFixed(1)} ms, ` +
        `p95 ${percentile(sorted, 95).toFixed(1)} ms, max ${Math.max(...frames).toFixed(1)} ms`,
    );
    console.log(`  pages fetched (listMessages calls): ${loaded}; message rows in the DOM at the end: ${rendered}`);
    if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
    if (!withinBudget) throw new Error('the first-load JavaScript is over its budget (see above)');
  } finally {
    await browser.close();
    await server.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
