import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

// Runs every suite with node's test runner and totals them into the one
// line CI reads: "N passed, N failed, N skipped".

const ROOT = path.resolve(__dirname, '..', '..');

interface Suite {
  name: string;
  dir: string;
  match: (file: string) => boolean;
  kind: 'unit' | 'integration';
  env?: Record<string, string>;
  /** node:test (default) runs compiled files; vitest runs the renderer's component tests from source. */
  runner?: 'node-test' | 'vitest';
}

const isIntegration = (f: string) => f.endsWith('.integration.test.js');
const isUnit = (f: string) => f.endsWith('.test.js') && !isIntegration(f);
// The API conformance suite runs the same cases against two targets; the summary lists each target.
const CONFORMANCE_FAKE = 'conformance-fake.test.js';
const CONFORMANCE_REAL = 'conformance-real.integration.test.js';
const isConformance = (f: string) => f === CONFORMANCE_FAKE || f === CONFORMANCE_REAL;

const SUITES: Suite[] = [
  {
    name: 'chaincode unit',
    dir: 'chaincode/dist/test',
    match: isUnit,
    kind: 'unit',
    // Refusals are what these tests check; fabric-shim would log each one as an error.
    env: { CORE_CHAINCODE_LOGGING_LEVEL: 'CRITICAL' },
  },
  { name: 'network unit', dir: 'build/network/test', match: isUnit, kind: 'unit' },
  { name: 'app unit', dir: 'build/electron/test', match: isUnit, kind: 'unit' },
  { name: 'scripts unit', dir: 'build/scripts/test', match: (f) => isUnit(f) && !isConformance(f), kind: 'unit' },
  { name: 'conformance (fake API)', dir: 'build/scripts/test', match: (f) => f === CONFORMANCE_FAKE, kind: 'unit' },
  {
    name: 'renderer components',
    dir: 'renderer/test',
    match: (f) => /\.test\.tsx?$/.test(f),
    kind: 'unit',
    runner: 'vitest',
  },
  { name: 'network integration', dir: 'build/network/test', match: isIntegration, kind: 'integration' },
  { name: 'app integration', dir: 'build/electron/test', match: isIntegration, kind: 'integration' },
  {
    name: 'end-to-end integration',
    dir: 'build/scripts/test',
    match: (f) => isIntegration(f) && !isConformance(f),
    kind: 'integration',
  },
  {
    name: 'conformance (real service)',
    dir: 'build/scripts/test',
    match: (f) => f === CONFORMANCE_REAL,
    kind: 'integration',
  },
];

function findFiles(dir: string, match: (f: string) => boolean): string[] {
  const abs = path.join(ROOT, dir);
  try {
    statSync(abs);
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const entry of readdirSync(abs, { withFileTypes: true })) {
    const full = path.join(abs, entry.name);
    if (entry.isDirectory()) out.push(...findFiles(path.relative(ROOT, full), match));
    else if (match(entry.name)) out.push(full);
  }
  return out.sort();
}

interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}

function parseTap(tap: string): Counts {
  const num = (label: string) => Number(new RegExp(`^# ${label} (\\d+)$`, 'm').exec(tap)?.[1] ?? 0);
  return {
    passed: num('pass'),
    failed: num('fail') + num('cancelled'),
    skipped: num('skipped') + num('todo'),
  };
}

function runSuite(suite: Suite, files: string[], tapFile: string): Promise<number> {
  return new Promise((resolve) => {
    const args = [
      '--test',
      '--test-concurrency=1',
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      '--test-reporter=tap',
      `--test-reporter-destination=${tapFile}`,
      ...files,
    ];
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      env: { ...process.env, ...suite.env },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.on('close', (code) => resolve(code ?? 1));
  });
}

/** Vitest's JSON report → the same counts the TAP files give. */
function parseVitestJson(json: string): Counts {
  const report = JSON.parse(json) as Record<string, unknown>;
  const num = (key: string) => (typeof report[key] === 'number' ? (report[key] as number) : 0);
  return {
    passed: num('numPassedTests'),
    failed: num('numFailedTests') + (report.success === false && num('numFailedTests') === 0 ? 1 : 0),
    skipped: num('numPendingTests') + num('numTodoTests'),
  };
}

function runVitest(reportFile: string): Promise<number> {
  return new Promise((resolve) => {
    const cli = path.join(ROOT, 'node_modules', 'vitest', 'vitest.mjs');
    const args = [cli, 'run', '--config', 'renderer/vitest.config.ts', '--reporter=default', '--reporter=json'];
    const child = spawn(process.execPath, [...args, `--outputFile.json=${reportFile}`], {
      cwd: ROOT,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.on('close', (code) => resolve(code ?? 1));
  });
}

async function main(): Promise<number> {
  const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
  const tmp = mkdtempSync(path.join(tmpdir(), 'ktalk-tests-'));
  const total: Counts = { passed: 0, failed: 0, skipped: 0 };
  const lines: string[] = [];
  for (const suite of SUITES) {
    if (only && suite.kind !== only) continue;
    const files = findFiles(suite.dir, suite.match);
    if (files.length === 0) continue;
    console.log(`\n=== ${suite.name} (${files.length} files) ===`);
    const tapFile = path.join(tmp, `${suite.name.replace(/\W+/g, '-')}.tap`);
    const vitest = suite.runner === 'vitest';
    const code = vitest ? await runVitest(tapFile) : await runSuite(suite, files, tapFile);
    let counts: Counts;
    try {
      const report = readFileSync(tapFile, 'utf8');
      counts = vitest ? parseVitestJson(report) : parseTap(report);
    } catch {
      counts = { passed: 0, failed: 1, skipped: 0 };
    }
    // A runner that crashed without reporting a failure still failed.
    if (code !== 0 && counts.failed === 0) counts.failed = 1;
    total.passed += counts.passed;
    total.failed += counts.failed;
    total.skipped += counts.skipped;
    lines.push(`${suite.name}: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
  }
  console.log('\n=== summary ===');
  for (const line of lines) console.log(line);
  console.log(`${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
  return total.failed > 0 || total.passed === 0 ? 1 : 0;
}

void main().then((code) => process.exit(code));
