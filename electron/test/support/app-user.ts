import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { secretStore } from '../../../network/src/ca/crypto';
import { profilePath } from '../../../network/src/connection-profile';
import type { NetworkContext } from '../../../network/src/network';
import type { ApiEvent, ApiInput, ApiMethod, ApiOutput, KTalkApi, MessageView } from '../../src/common/api';
import { dispatchApi, parseApiArgs } from '../../src/common/api-args';
import type { MessengerOptions } from '../../src/node/messaging/messenger';
import { type AppService, createAppService } from '../../src/node/service/app-service';
import { KDF_INTERACTIVE } from '../../src/node/wallet';
import { approveKeyRecovery } from './approve-recovery';

// One app instance per development user, driven only through the typed API
// (with the transports' schema check), enrolled with the dev network's CA
// the way the first-run screen does it.

export const PASSPHRASE = 'correct horse battery';

export interface AppUser {
  readonly name: string;
  readonly dir: string;
  readonly events: ApiEvent[];
  service: AppService;
  call<M extends ApiMethod>(method: M, input?: ApiInput<M>): Promise<ApiOutput<M>>;
  /** Calls expecting a typed refusal; returns its code. */
  refused(method: ApiMethod, input?: unknown): Promise<string>;
  /** Waits until the conversation holds a message matching `match`. */
  waitFor(conversationId: string, match: (m: MessageView) => boolean, timeoutMs?: number): Promise<MessageView>;
  /** A fresh app instance on the same data dir (a restart). */
  restart(): Promise<void>;
  dispose(): Promise<void>;
}

export async function callApi<M extends ApiMethod>(api: KTalkApi, method: M, input?: unknown) {
  const parsed = parseApiArgs(method, input === undefined ? [] : [input]);
  if (!parsed.ok) return parsed;
  return dispatchApi(api, parsed.value) as Promise<
    { ok: true; value: ApiOutput<M> } | { ok: false; error: { code: string; message: string } }
  >;
}

export async function appUser(
  ctx: NetworkContext,
  orgName: 'Org1' | 'Org2',
  name: string,
  /** The secret an admin handed over; the dev CA's own record by default. */
  givenSecret?: string,
  /** Sync tuning and observers for this user's messenger (kept across restarts). */
  messenger?: MessengerOptions,
): Promise<AppUser> {
  const org = ctx.topology.peerOrgs.find((o) => o.name === orgName);
  if (!org) throw new Error(`no org ${orgName}`);
  const dir = await mkdtemp(path.join(tmpdir(), `ktalk-app-${name}-`));
  const events: ApiEvent[] = [];
  const make = () => {
    const service = createAppService({
      appDataDir: dir,
      devProfilePath: profilePath(ctx.dataDir),
      kdfCost: KDF_INTERACTIVE,
      ...(messenger ? { messenger } : {}),
    });
    service.subscribe((event) => events.push(event));
    return service;
  };
  const user: AppUser = {
    name,
    dir,
    events,
    service: make(),
    async call(method, input) {
      const result = await callApi(user.service, method, input);
      if (!result.ok) throw new Error(`${name} ${method}: ${result.error.code} ${result.error.message}`);
      return result.value as ApiOutput<typeof method>;
    },
    async refused(method, input) {
      const result = await callApi(user.service, method, input);
      if (result.ok) throw new Error(`${name} ${method} was accepted`);
      return result.error.code;
    },
    async waitFor(conversationId, match, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        // NOT_FOUND until the conversation reaches this user's store.
        const page = await callApi(user.service, 'listMessages', { conversationId, limit: 200 });
        const hit = page.ok ? page.value.items.find(match) : undefined;
        if (hit) return hit;
        if (Date.now() > deadline) throw new Error(`${name}: no matching message in ${conversationId}`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    },
    async restart() {
      await user.service.close();
      user.service = make();
      await user.call('signIn', { passphrase: PASSPHRASE });
    },
    async dispose() {
      await user.service.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
  const secret = givenSecret ?? (await secretStore(ctx.dataDir).get(org.ca.name, name));
  if (!secret) throw new Error(`no enrollment secret for ${name}`);
  const profile = await user.call('listProfiles');
  const enrolled = await callApi(user.service, 'enroll', {
    profile: profile[0]?.name,
    mspId: org.mspId,
    enrollmentId: name,
    secret,
    passphrase: PASSPHRASE,
  });
  if (!enrolled.ok && enrolled.error.code === 'KEY_RECOVERY_PENDING') {
    // This person already has keys from another device: a new device's keys
    // wait for a second party, as key continuity requires (suites about key
    // continuity itself build their devices without this fixture).
    await approveKeyRecovery(ctx, `${org.mspId}::${name}`);
    await user.call('signIn', { passphrase: PASSPHRASE });
  } else if (!enrolled.ok) {
    throw new Error(`${name} enroll: ${enrolled.error.code} ${enrolled.error.message}`);
  }
  return user;
}
