import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { NetworkError } from '../errors';
import { run } from '../exec';
import { HOST, CHANNEL, type PeerNode, type Topology } from '../topology';
import { mustPeerCli, ordererTlsRoot } from '../nodes/peer';

// Channel governance the way Fabric intends it: fetch the latest config
// block, change the decoded config, compute the update with configtxlator,
// collect the org admins' signatures the modification policy needs, and
// submit it to the ordering service.

/** A channel config as configtxlator decodes it (common.Config). */
export type ChannelConfig = Record<string, unknown> & { channel_group: ConfigGroup };
export interface ConfigGroup {
  groups: Record<string, ConfigGroup>;
  values: Record<string, { mod_policy: string; value: Record<string, unknown> }>;
  policies: Record<string, { mod_policy: string; policy: { type: number; value: Record<string, unknown> } }>;
  mod_policy: string;
  version?: string;
}

export interface ConfigUpdateContext {
  readonly dataDir: string;
  readonly binDir: string;
  readonly topology: Topology;
}

async function lator(ctx: ConfigUpdateContext, args: string[]): Promise<void> {
  const result = await run(path.join(ctx.binDir, 'configtxlator'), args, { timeoutMs: 60_000 });
  if (result.code !== 0) {
    throw new NetworkError(
      `configtxlator ${args[0]} failed`,
      undefined,
      result.stderr.trim().split('\n').slice(-5).join('\n'),
    );
  }
}

const ordererArgs = (ctx: ConfigUpdateContext) => [
  '-o',
  `${HOST}:${ctx.topology.orderers[0]?.port ?? 0}`,
  '--tls',
  '--cafile',
  ordererTlsRoot(ctx.dataDir, ctx.topology),
];

/** The channel's current config, fetched through `peer` as its org's admin. */
export async function fetchChannelConfig(
  ctx: ConfigUpdateContext,
  peer: PeerNode,
  work: string,
): Promise<ChannelConfig> {
  const block = path.join(work, 'config_block.pb');
  await mustPeerCli(ctx.dataDir, ctx.binDir, ctx.topology, peer, [
    'channel',
    'fetch',
    'config',
    block,
    '-c',
    CHANNEL,
    ...ordererArgs(ctx),
  ]);
  await lator(ctx, ['proto_decode', '--input', block, '--type', 'common.Block', '--output', `${block}.json`]);
  const decoded = JSON.parse(await readFile(`${block}.json`, 'utf8')) as {
    data: { data: Array<{ payload: { data: { config: ChannelConfig } } }> };
  };
  const config = decoded.data.data[0]?.payload.data.config;
  if (!config) throw new NetworkError('the config block has no config');
  return config;
}

/**
 * Applies `change` to the channel config. `signers` are peers whose org
 * admins sign, in order; the last one submits. Returns false when `change`
 * left the config as it was (nothing to submit).
 */
export async function updateChannelConfig(
  ctx: ConfigUpdateContext,
  signers: readonly PeerNode[],
  change: (config: ChannelConfig) => void,
): Promise<boolean> {
  const submitter = signers[signers.length - 1];
  if (!submitter) throw new Error('a config update needs at least one signer');
  const work = await mkdtemp(path.join(tmpdir(), 'ktalk-config-'));
  try {
    const original = await fetchChannelConfig(ctx, submitter, work);
    const modified = structuredClone(original);
    change(modified);
    if (JSON.stringify(modified) === JSON.stringify(original)) return false;
    const file = (name: string) => path.join(work, name);
    await writeFile(file('original.json'), JSON.stringify(original));
    await writeFile(file('modified.json'), JSON.stringify(modified));
    await lator(ctx, [
      'proto_encode',
      '--input',
      file('original.json'),
      '--type',
      'common.Config',
      '--output',
      file('original.pb'),
    ]);
    await lator(ctx, [
      'proto_encode',
      '--input',
      file('modified.json'),
      '--type',
      'common.Config',
      '--output',
      file('modified.pb'),
    ]);
    await lator(ctx, [
      'compute_update',
      '--channel_id',
      CHANNEL,
      '--original',
      file('original.pb'),
      '--updated',
      file('modified.pb'),
      '--output',
      file('update.pb'),
    ]);
    await lator(ctx, [
      'proto_decode',
      '--input',
      file('update.pb'),
      '--type',
      'common.ConfigUpdate',
      '--output',
      file('update.json'),
    ]);
    const envelope = {
      payload: {
        header: { channel_header: { channel_id: CHANNEL, type: 2 } },
        data: { config_update: JSON.parse(await readFile(file('update.json'), 'utf8')) as unknown },
      },
    };
    await writeFile(file('envelope.json'), JSON.stringify(envelope));
    await lator(ctx, [
      'proto_encode',
      '--input',
      file('envelope.json'),
      '--type',
      'common.Envelope',
      '--output',
      file('envelope.pb'),
    ]);
    for (const signer of signers.slice(0, -1)) {
      await mustPeerCli(ctx.dataDir, ctx.binDir, ctx.topology, signer, [
        'channel',
        'signconfigtx',
        '-f',
        file('envelope.pb'),
      ]);
    }
    await mustPeerCli(ctx.dataDir, ctx.binDir, ctx.topology, submitter, [
      'channel',
      'update',
      '-f',
      file('envelope.pb'),
      '-c',
      CHANNEL,
      ...ordererArgs(ctx),
    ]);
    return true;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
