import { access, constants, cp, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { NetworkError } from './errors';
import { run } from './exec';
import { binCacheDir } from './paths';
import { type GoComponent, VERSION_PROBE, parseVersionOutput } from './versions';

export type BinarySource = 'FABRIC_BIN' | 'PATH' | 'cache' | 'built';

export interface ResolvedBinaries {
  readonly component: string;
  readonly version: string;
  readonly dir: string;
  readonly source: BinarySource;
  /** Where core.yaml / orderer.yaml come from (Fabric only). */
  readonly configDir?: string;
}

export type Logger = (line: string) => void;

async function isExecutable(file: string): Promise<boolean> {
  try {
    await access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export async function probeVersion(binary: string): Promise<string | null> {
  try {
    const result = await run(binary, ['version'], { timeoutMs: 15_000 });
    return parseVersionOutput(result.stdout + result.stderr);
  } catch {
    return null;
  }
}

function binaryNames(component: GoComponent): string[] {
  return Object.values(component.commands);
}

/** Checks one directory: all binaries there and of the wanted version, or why not. */
export async function inspectDir(
  component: GoComponent,
  dir: string,
): Promise<{ ok: true; version: string } | { ok: false; reason: string; foundVersion?: string }> {
  const missing: string[] = [];
  for (const name of binaryNames(component)) {
    if (!(await isExecutable(path.join(dir, name)))) missing.push(name);
  }
  const probe = VERSION_PROBE[component.name] ?? binaryNames(component)[0] ?? '';
  if (missing.includes(probe)) return { ok: false, reason: `no ${probe} in ${dir}` };
  const found = await probeVersion(path.join(dir, probe));
  if (found === null || !component.accepts(found)) {
    return {
      ok: false,
      reason: `${path.join(dir, probe)} reports version ${found ?? 'unknown'}, KTalk needs ${component.acceptsText}`,
      ...(found ? { foundVersion: found } : {}),
    };
  }
  if (missing.length > 0) return { ok: false, reason: `${dir} lacks ${missing.join(', ')}` };
  return { ok: true, version: found };
}

async function findOnPath(binary: string, env: NodeJS.ProcessEnv): Promise<string | null> {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (dir !== '' && (await isExecutable(path.join(dir, binary)))) return dir;
  }
  return null;
}

/**
 * FABRIC_BIN (or FABRIC_CA_BIN) first, then PATH, then the cache. A binary of
 * the wrong version found on the way is an error, not something to skip:
 * scripts and users would otherwise mix two Fabric releases.
 */
export async function findBinaries(
  component: GoComponent,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ResolvedBinaries | null> {
  const probe = VERSION_PROBE[component.name] ?? '';
  const explicitVar = component.name === 'fabric' ? 'FABRIC_BIN' : 'FABRIC_CA_BIN';
  const explicit = env[explicitVar];
  if (explicit) {
    const verdict = await inspectDir(component, explicit);
    if (!verdict.ok) {
      throw new NetworkError(
        `${explicitVar}=${explicit} cannot be used: ${verdict.reason}`,
        `point ${explicitVar} at ${component.acceptsText} binaries, or unset it to use the cache or build ${component.version} with Go`,
      );
    }
    return resolved(component, explicit, 'FABRIC_BIN', verdict.version);
  }
  const onPath = await findOnPath(probe, env);
  if (onPath) {
    const verdict = await inspectDir(component, onPath);
    if (verdict.ok) return resolved(component, onPath, 'PATH', verdict.version);
    if (verdict.foundVersion !== undefined || !verdict.reason.includes('lacks')) {
      throw new NetworkError(
        `wrong ${component.name} on PATH: ${verdict.reason}`,
        `remove ${onPath} from PATH, or set ${explicitVar} to a directory with ${component.acceptsText} binaries`,
      );
    }
  }
  const cached = binCacheDir(component.name, component.version, env);
  const fromCache = await inspectDir(component, cached);
  if (fromCache.ok) return resolved(component, cached, 'cache', fromCache.version);
  return null;
}

async function resolved(
  component: GoComponent,
  dir: string,
  source: BinarySource,
  version: string,
): Promise<ResolvedBinaries> {
  const configDir = path.join(dir, '..', 'config');
  const hasConfig = await isExecutableDir(configDir);
  return {
    component: component.name,
    version,
    dir,
    source,
    ...(hasConfig ? { configDir } : {}),
  };
}

async function isExecutableDir(dir: string): Promise<boolean> {
  try {
    await access(dir, constants.R_OK | constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

const downloadSchema = z.object({
  Dir: z.string().optional(),
  Error: z.string().optional(),
});

function missingBinariesHint(component: GoComponent): string {
  const explicitVar = component.name === 'fabric' ? 'FABRIC_BIN' : 'FABRIC_CA_BIN';
  return (
    `either install Go (1.24 or newer, https://go.dev/doc/install) with access to the Go module proxy so ` +
    `KTalk can build ${component.name} ${component.version}, or download the official ${component.name} ` +
    `${component.version} release binaries and set ${explicitVar} to their bin/ directory`
  );
}

/** Fetches the component's module through the Go module proxy; returns its source dir. */
export async function downloadModule(component: GoComponent, env: NodeJS.ProcessEnv): Promise<string> {
  const spec = `${component.module}@${component.moduleVersion}`;
  const result = await run('go', ['mod', 'download', '-json', spec], {
    env: { ...env, GOFLAGS: '-mod=mod', GO111MODULE: 'on' },
    timeoutMs: 20 * 60_000,
  });
  let parsed: z.infer<typeof downloadSchema> = {};
  try {
    parsed = downloadSchema.parse(JSON.parse(result.stdout));
  } catch {
    // fall through: the error text below says what go printed
  }
  if (result.code !== 0 || !parsed.Dir) {
    const detail = (parsed.Error ?? result.stderr.trim()) || `exit code ${result.code}`;
    const explicitVar = component.name === 'fabric' ? 'FABRIC_BIN' : 'FABRIC_CA_BIN';
    throw new NetworkError(
      `could not fetch ${spec} (command: go mod download -json ${spec}): ${detail}`,
      `Go is installed, but the Go module proxy (GOPROXY=${env.GOPROXY ?? 'the go env default'}) did not serve this module version. ` +
        `Either point GOPROXY at a proxy that serves it, or download the official ${component.name} ${component.version} ` +
        `release binaries (${component.acceptsText}) and set ${explicitVar} to their bin/ directory (with config/ beside it)`,
    );
  }
  return parsed.Dir;
}

/**
 * Builds every binary of the component into the version cache. Writes to a
 * scratch directory first so an interrupted build never looks complete.
 */
export async function buildFromGo(
  component: GoComponent,
  env: NodeJS.ProcessEnv,
  log: Logger,
): Promise<ResolvedBinaries> {
  const goVersion = await run('go', ['version'], { env }).catch(() => null);
  if (!goVersion || goVersion.code !== 0) {
    throw new NetworkError(
      `${component.name} ${component.version} binaries not found and Go is not installed`,
      missingBinariesHint(component),
    );
  }
  const binDir = binCacheDir(component.name, component.version, env);
  const versionDir = path.dirname(binDir);
  const scratch = `${binDir}.partial`;
  await rm(scratch, { recursive: true, force: true });
  await mkdir(scratch, { recursive: true });

  log(`fetching ${component.module}@${component.moduleVersion} through the Go module proxy`);
  const moduleDir = await downloadModule(component, env);
  // The module cache is read-only; build in a writable copy so go may
  // record checksums without failing on permissions.
  const sourceDir = path.join(versionDir, 'src');
  await rm(sourceDir, { recursive: true, force: true });
  await cp(moduleDir, sourceDir, { recursive: true });
  await run('chmod', ['-R', 'u+w', sourceDir]);
  const started = Date.now();
  const buildLog: string[] = [];
  for (const [pkg, binary] of Object.entries(component.commands)) {
    log(`building ${binary} (${component.name} ${component.version})`);
    const args = [
      'build',
      '-trimpath',
      '-o',
      path.join(scratch, binary),
      '-ldflags',
      component.ldflags(component.version).join(' '),
    ];
    if (component.tags) args.push('-tags', component.tags);
    args.push(`./${pkg}`);
    const result = await run('go', args, {
      cwd: sourceDir,
      env: {
        ...env,
        CGO_ENABLED: component.cgo ? '1' : '0',
        GOFLAGS: '-mod=mod',
        GOTOOLCHAIN: env.GOTOOLCHAIN ?? 'local',
      },
      timeoutMs: 30 * 60_000,
    });
    buildLog.push(`$ go ${args.join(' ')}\n${result.stdout}${result.stderr}`);
    if (result.code !== 0) {
      await mkdir(versionDir, { recursive: true });
      await writeFile(path.join(versionDir, 'build.log'), buildLog.join('\n'));
      throw new NetworkError(
        `go build of ${component.module}/${pkg} failed`,
        `see ${path.join(versionDir, 'build.log')}; ${missingBinariesHint(component)}`,
        result.stderr.trim().split('\n').slice(-15).join('\n'),
      );
    }
  }
  await writeFile(path.join(versionDir, 'build.log'), buildLog.join('\n'));
  // Fabric reads core.yaml and orderer.yaml from the module's sampleconfig.
  if (component.name === 'fabric') {
    await rm(path.join(versionDir, 'config'), { recursive: true, force: true });
    await cp(path.join(sourceDir, 'sampleconfig'), path.join(versionDir, 'config'), { recursive: true });
  }
  await rm(binDir, { recursive: true, force: true });
  await rename(scratch, binDir);
  await rm(sourceDir, { recursive: true, force: true });
  log(`built ${component.name} ${component.version} in ${((Date.now() - started) / 1000).toFixed(0)} s → ${binDir}`);
  return resolved(component, binDir, 'built', component.version);
}

export async function ensureBinaries(
  component: GoComponent,
  log: Logger,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ResolvedBinaries> {
  return (await findBinaries(component, env)) ?? buildFromGo(component, env, log);
}
