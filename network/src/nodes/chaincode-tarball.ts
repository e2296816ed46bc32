import { cp, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { NetworkError } from '../errors';
import { run } from '../exec';
import { protocolDirOf } from './chaincode';

// The chaincode as an org deploys its CCaaS server elsewhere: an npm tarball
// of the built chaincode with the protocol it validates with bundled inside
// (node_modules/@ktalk/protocol), so `npm install --omit=dev && npm start`
// on that host runs exactly the rules this checkout tested. npm does not
// bundle a workspace link, so the package is staged with a real copy first.

/** Packs the built chaincode (dist/src, package.json, README) with the protocol bundled; returns the .tgz path. */
export async function packChaincode(chaincodeDir: string, outDir: string): Promise<string> {
  const stage = await mkdtemp(path.join(tmpdir(), 'ktalk-chaincode-pack-'));
  try {
    await copyBuilt(chaincodeDir, stage, ['package.json', 'README.md', path.join('dist', 'src')], 'chaincode');
    const protocolDir = protocolDirOf(chaincodeDir);
    const bundled = path.join(stage, 'node_modules', '@ktalk', 'protocol');
    await copyBuilt(protocolDir, bundled, ['package.json', 'README.md', 'dist'], 'protocol');
    await mkdir(outDir, { recursive: true });
    const packed = await run('npm', ['pack', '--pack-destination', path.resolve(outDir), '--loglevel', 'error'], {
      cwd: stage,
    });
    if (packed.code !== 0) throw new NetworkError(`npm pack failed: ${packed.stderr.trim()}`);
    const name = packed.stdout.trim().split('\n').pop() ?? '';
    if (!name.endsWith('.tgz')) throw new NetworkError(`npm pack named no tarball: ${packed.stdout.trim()}`);
    return path.join(outDir, name);
  } finally {
    await rm(stage, { recursive: true, force: true });
  }
}

async function copyBuilt(from: string, to: string, entries: readonly string[], what: string): Promise<void> {
  const present = new Set(await readdir(from));
  for (const entry of entries) {
    const top = entry.split(path.sep)[0] ?? entry;
    if (!present.has(top)) throw new NetworkError(`the ${what} has no ${entry}`, 'run npm run build first');
    await cp(path.join(from, entry), path.join(to, entry), { recursive: true });
  }
}
