import type { NetworkContext } from '../../../network/src/network';
import { profilePath } from '../../../network/src/connection-profile';
import type { ApiMethod, KTalkApi, KTalkEvents } from '../../src/common/api';
import { connectWithProfile } from '../../src/node/fabric/connect';
import { ledgerClient } from '../../src/node/ledger';
import { loadProfile } from '../../src/node/profile/profile-files';
import { readDevIdentity } from './dev-identities';

// Suites that enroll the same dev user on several fresh data dirs play one
// person with several new devices. With key continuity each new device's
// keys are only a pending recovery request (KEY_RECOVERY_PENDING); here the
// org's compliance officer (auditor1 / auditor2, through their own gateway
// identity) co-approves it, the second party the directory asks for, and the
// device signs in again. Suites about key continuity itself do not use this.

const OFFICER: Record<string, string> = { Org1MSP: 'auditor1', Org2MSP: 'auditor2' };

export async function approveKeyRecovery(ctx: NetworkContext, userId: string): Promise<void> {
  const mspId = userId.slice(0, userId.indexOf('::'));
  const org = ctx.topology.peerOrgs.find((o) => o.mspId === mspId);
  const officer = OFFICER[mspId];
  if (!org || !officer) throw new Error(`no compliance officer for ${userId}`);
  const profile = await loadProfile(profilePath(ctx.dataDir));
  const connection = connectWithProfile(profile, await readDevIdentity(ctx.dataDir, org, officer));
  try {
    await ledgerClient(connection, profile).submit('directory', 'ApproveKeyChange', { userId });
  } finally {
    connection.close();
  }
}

/** `api` whose enroll, answered KEY_RECOVERY_PENDING, gets the officer's approval and signs in again. */
export function withRecoveryApproval<A extends KTalkApi & KTalkEvents>(ctx: NetworkContext, api: A): A {
  const approveThenSignIn = async (userId: string, passphrase: string | undefined) => {
    await approveKeyRecovery(ctx, userId);
    return api.signIn({ ...(passphrase ? { passphrase } : {}) });
  };
  const wrapped: Partial<Record<ApiMethod, unknown>> = {
    enroll: async (input: Parameters<KTalkApi['enroll']>[0]) => {
      const answer = await api.enroll(input);
      if (answer.ok || answer.error.code !== 'KEY_RECOVERY_PENDING') return answer;
      return approveThenSignIn(`${input.mspId}::${input.enrollmentId}`, input.passphrase);
    },
  };
  return new Proxy(api, {
    get: (target, prop, receiver) =>
      typeof prop === 'string' && prop in wrapped ? wrapped[prop as ApiMethod] : Reflect.get(target, prop, receiver),
  });
}
