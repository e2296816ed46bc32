import { createPrivateKey } from 'node:crypto';
import { hash, signers } from '@hyperledger/fabric-gateway';
import type { common } from '@hyperledger/fabric-protos';
import type { RevokeReport } from '../../common/api';
import { gatewayErrorText, isLedgerError } from '../ledger/errors';
import type { ClientSession } from '../session/client-session';
import { sessionRegistrar } from './ca-registrar';
import {
  type Signer,
  channelHasCrl,
  crlConfigUpdate,
  decodeConfig,
  signedConfigUpdateEnvelope,
} from './channel-config';
import { AdminError, adminFailure } from './errors';
import { type AdminSession, enrollmentInputSchema, parseInput } from './identities';
import { broadcast, isSuccess } from './orderer-broadcast';

// Revoking a user end to end, as the org admin. The CA's word alone changes
// nothing on the channel: peers check certificates against the CRLs in the
// channel's MSP definitions, and the chaincode checks the directory. So:
// (1) revoke at the CA and take its full CRL, (2) put that CRL into the
// org's MSP in the channel config (a config update the admin signs, as the
// org's Admins policy requires), (3) disable the user in the directory.
// Each step is idempotent, so running it again after a failure finishes
// what is left.

export type RevokeProgress =
  | 'ca-revoked'
  | 'crl-generated'
  | 'crl-already-in-channel'
  | 'crl-submitted'
  | 'crl-in-channel'
  | 'directory-disabled'
  | 'directory-already-disabled';

export interface RevokeOptions {
  readonly onProgress?: (step: RevokeProgress) => void;
  /** How long to wait for the peer to show the new config. */
  readonly configDeadlineMs?: number;
}

export type RevokeSession = AdminSession & Pick<ClientSession, 'connection'>;

const CSCC = 'cscc';
const STALE_UPDATE_ATTEMPTS = 3;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The channel config as the admin's gateway peer holds it now (cscc GetChannelConfig, an evaluate). */
export async function fetchChannelConfig(session: RevokeSession): Promise<common.Config> {
  const channel = session.profile.channel;
  let bytes: Uint8Array;
  try {
    bytes = await session.connection.gateway
      .getNetwork(channel)
      .getContract(CSCC)
      .evaluateTransaction('GetChannelConfig', channel);
  } catch (error) {
    const text = gatewayErrorText(error);
    const code = /access denied|PERMISSION_DENIED|forbidden/i.test(text) ? 'FORBIDDEN' : 'NETWORK_UNAVAILABLE';
    throw new AdminError(code, `read the channel config: ${text}`, error);
  }
  return decodeConfig(bytes);
}

function adminSigner(session: RevokeSession): Signer {
  const sign = signers.newPrivateKeySigner(createPrivateKey(session.identity.privateKeyPem));
  return {
    mspId: session.identity.mspId,
    certificatePem: session.identity.certificatePem,
    sign: (message) => sign(hash.sha256(message)),
  };
}

/** Step 2: the channel's MSP for the org carries `crlPem` (or a CRL covering it). */
export async function putCrlInChannel(
  session: RevokeSession,
  crlPem: string,
  options: RevokeOptions = {},
): Promise<void> {
  const { mspId } = session.identity;
  const channel = session.profile.channel;
  const orderers = session.profile.orderers;
  let update = crlConfigUpdate(await fetchChannelConfig(session), channel, mspId, crlPem);
  if (!update) {
    options.onProgress?.('crl-already-in-channel');
    return;
  }
  if (!orderers || orderers.length === 0) {
    throw new AdminError('PROFILE_INVALID', `profile ${session.profile.name} lists no orderers to send the update to`);
  }
  for (let attempt = 1; ; attempt++) {
    const outcome = await broadcast(orderers, await signedConfigUpdateEnvelope(update, adminSigner(session)));
    if (isSuccess(outcome)) break;
    const why = `${outcome.orderer} answered ${outcome.status}: ${outcome.info}`;
    if (outcome.status === 403) {
      throw new AdminError(
        'FORBIDDEN',
        `the orderer refused the update; the signer must be an admin of ${mspId} (${why})`,
      );
    }
    // 400 is also what a stale read set gets (another update landed first): compute again.
    if (outcome.status !== 400 || attempt >= STALE_UPDATE_ATTEMPTS) {
      throw new AdminError('INTERNAL', `the orderer refused the config update (${why})`);
    }
    update = crlConfigUpdate(await fetchChannelConfig(session), channel, mspId, crlPem);
    if (!update) {
      options.onProgress?.('crl-already-in-channel');
      return;
    }
  }
  options.onProgress?.('crl-submitted');
  const deadline = Date.now() + (options.configDeadlineMs ?? 60_000);
  while (!channelHasCrl(await fetchChannelConfig(session), mspId, crlPem)) {
    if (Date.now() > deadline) {
      throw new AdminError(
        'NETWORK_UNAVAILABLE',
        `the orderer took the update but ${mspId}'s peer does not show it yet`,
      );
    }
    await sleep(500);
  }
  options.onProgress?.('crl-in-channel');
}

export async function adminRevoke(
  session: RevokeSession,
  input: { enrollmentId: string },
  options: RevokeOptions = {},
): Promise<RevokeReport> {
  const { enrollmentId } = parseInput(enrollmentInputSchema, input);
  const userId = `${session.identity.mspId}::${enrollmentId}`;
  if (enrollmentId === session.account.enrollmentId) {
    throw new AdminError('FORBIDDEN', 'an admin cannot revoke itself');
  }
  const registrar = sessionRegistrar(session);
  // A second revocation of the same identity succeeds at the CA with nothing
  // new revoked, so the CRL is always generated separately.
  try {
    await registrar.revoke(enrollmentId);
  } catch (error) {
    throw adminFailure(error, `revoke ${userId} at the CA (nothing was changed)`);
  }
  options.onProgress?.('ca-revoked');
  let crl: string;
  try {
    crl = await registrar.generateCrl();
  } catch (error) {
    throw adminFailure(error, `${userId} is revoked at the CA; generating its CRL failed (run the revocation again)`);
  }
  options.onProgress?.('crl-generated');
  try {
    await putCrlInChannel(session, crl, options);
  } catch (error) {
    throw adminFailure(
      error,
      `${userId} is revoked at the CA; putting the CRL on the channel failed (run the revocation again)`,
    );
  }
  try {
    await session.ledger.submit('directory', 'DisableUser', { userId });
    options.onProgress?.('directory-disabled');
  } catch (error) {
    if (!isLedgerError(error, 'CONFLICT')) {
      throw adminFailure(
        error,
        `${userId} is revoked at the CA and on the channel; disabling it in the directory failed (run the revocation again)`,
      );
    }
    options.onProgress?.('directory-already-disabled');
  }
  return { userId, caRevoked: true, crlInChannel: true, directoryDisabled: true };
}
