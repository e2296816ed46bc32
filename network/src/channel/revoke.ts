import { CaCli } from '../ca/ca-cli';
import { userMspDir } from '../ca/crypto';
import { NetworkError } from '../errors';
import { ordererTlsRoot, peerCli, peerTlsRoot } from '../nodes/peer';
import { CHAINCODE_NAME, CHANNEL, HOST, type PeerNode } from '../topology';
import { type ConfigUpdateContext, updateChannelConfig } from './config-update';

// Revoking a user end to end. The CA's word alone changes nothing on the
// channel: peers check certificates against the CRLs in the channel's MSP
// definitions, and the chaincode checks the directory. So: revoke at the CA
// and take its fresh CRL, put that CRL into the org's MSP in the channel
// config (signed by the org's admin, as the org's Admins policy requires),
// then disable the user in the directory.

export interface RevokeContext extends ConfigUpdateContext {
  /** Fabric CA client binaries. */
  readonly caBinDir: string;
}

export interface RevokeRequest {
  readonly orgName: string;
  readonly enrollmentId: string;
  /** A KTalk admin (ktalk.role=admin) of the same org, who disables the user in the directory. */
  readonly ktalkAdmin: string;
  readonly log?: (line: string) => void;
}

export interface RevokeOutcome {
  readonly userId: string;
  readonly directory: 'disabled' | 'already-disabled';
}

async function directoryStatus(
  ctx: ConfigUpdateContext,
  peer: PeerNode,
  mspDir: string,
  userId: string,
  wanted: string,
  timeoutMs = 30_000,
): Promise<boolean> {
  const query = JSON.stringify({ Args: ['directory:GetUser', JSON.stringify({ userId })] });
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const result = await peerCli(
      ctx.dataDir,
      ctx.binDir,
      ctx.topology,
      peer,
      ['chaincode', 'query', '-C', CHANNEL, '-n', CHAINCODE_NAME, '-c', query],
      mspDir,
    );
    if (result.code === 0 && result.stdout.includes(`"status":"${wanted}"`)) return true;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return false;
}

export async function revokeUser(ctx: RevokeContext, request: RevokeRequest): Promise<RevokeOutcome> {
  const log = request.log ?? (() => undefined);
  const org = ctx.topology.peerOrgs.find((o) => o.name.toLowerCase() === request.orgName.toLowerCase());
  if (!org) {
    throw new NetworkError(
      `unknown org ${request.orgName}`,
      `use one of ${ctx.topology.peerOrgs.map((o) => o.name).join(', ')}`,
    );
  }
  const peer = ctx.topology.peers.find((p) => p.org === org.name);
  if (!peer) throw new NetworkError(`${org.name} has no peer`);
  const userId = `${org.mspId}::${request.enrollmentId}`;

  const crl = await new CaCli(ctx.caBinDir, ctx.dataDir, org.ca).revoke(request.enrollmentId);
  log(`revoked ${request.enrollmentId} at ${org.ca.name}`);

  const crlBase64 = Buffer.from(crl).toString('base64');
  const changed = await updateChannelConfig(ctx, [peer], (config) => {
    const msp = config.channel_group.groups.Application?.groups[org.mspId]?.values.MSP?.value as
      { config: { revocation_list?: string[] } } | undefined;
    if (!msp) throw new NetworkError(`the channel has no MSP for ${org.mspId}`);
    // The CA's CRL lists everything it has revoked, so it replaces the old one.
    msp.config.revocation_list = [crlBase64];
  });
  log(changed ? `${org.mspId}'s new CRL is in the channel configuration` : `the channel already has this CRL`);

  const invoke = [
    'chaincode',
    'invoke',
    '-C',
    CHANNEL,
    '-n',
    CHAINCODE_NAME,
    '-c',
    JSON.stringify({ Args: ['directory:DisableUser', JSON.stringify({ userId })] }),
    ...ctx.topology.peers.flatMap((p) => [
      '--peerAddresses',
      `${HOST}:${p.port}`,
      '--tlsRootCertFiles',
      peerTlsRoot(ctx.dataDir, ctx.topology, p),
    ]),
    '-o',
    `${HOST}:${ctx.topology.orderers[0]?.port ?? 0}`,
    '--tls',
    '--cafile',
    ordererTlsRoot(ctx.dataDir, ctx.topology),
  ];
  const adminMsp = userMspDir(ctx.dataDir, org, request.ktalkAdmin);
  const result = await peerCli(ctx.dataDir, ctx.binDir, ctx.topology, peer, invoke, adminMsp);
  const output = result.stdout + result.stderr;
  if (/CONFLICT:[^\n]*already disabled/i.test(output)) return { userId, directory: 'already-disabled' };
  // Commit events need block delivery, which the channel ACLs keep from
  // client identities; so read the directory until the change is committed.
  if (result.code === 0 && (await directoryStatus(ctx, peer, adminMsp, userId, 'disabled'))) {
    log(`disabled ${userId} in the directory`);
    return { userId, directory: 'disabled' };
  }
  throw new NetworkError(
    `${userId} is revoked at the CA and on the channel, but disabling it in the directory failed`,
    'run the revocation again (each step is idempotent), or disable the user from the admin console',
    output.trim().split('\n').slice(-5).join('\n'),
  );
}
