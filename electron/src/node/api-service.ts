import type { KTalkApi, NodeHealth, Result } from '../common/api';
import { ProfileError } from '../common/connection-profile';
import { profileHealth } from './fabric/reachability';
import { defaultProfilePath, loadProfile } from './profile/profile-files';

// The privileged implementation of KTalkApi, in plain Node so the Electron
// main process and the local web mode serve the very same code. It knows
// the network only through its connection profile, like a deployed client.

const ok = <T>(value: T): Result<T> => ({ ok: true, value });
const fail = <T>(code: string, error: unknown): Result<T> => ({
  ok: false,
  error: { code, message: error instanceof Error ? error.message : String(error) },
});

export interface ApiServiceOptions {
  /** The connection profile file; defaultProfilePath(env) when absent. */
  readonly profilePath?: string;
  readonly env?: NodeJS.ProcessEnv;
}

export function createApiService(options: ApiServiceOptions = {}): KTalkApi {
  const profilePath = options.profilePath ?? defaultProfilePath(options.env ?? process.env);
  return {
    async networkStatus(): Promise<Result<NodeHealth[]>> {
      try {
        return ok(await profileHealth(await loadProfile(profilePath)));
      } catch (error) {
        return fail(error instanceof ProfileError ? `PROFILE_${error.code}` : 'NETWORK_UNAVAILABLE', error);
      }
    },
  };
}
