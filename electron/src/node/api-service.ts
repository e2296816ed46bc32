import { status } from '../../../network/src/network';
import { dataDir } from '../../../network/src/paths';
import { buildTopology, portBaseFromEnv } from '../../../network/src/topology';
import type { KTalkApi, NodeHealth, Result } from '../common/api';

// The privileged implementation of KTalkApi, in plain Node so the Electron
// main process and the local web mode serve the very same code.

const ok = <T>(value: T): Result<T> => ({ ok: true, value });
const fail = <T>(code: string, error: unknown): Result<T> => ({
  ok: false,
  error: { code, message: error instanceof Error ? error.message : String(error) },
});

export function createApiService(env: NodeJS.ProcessEnv = process.env): KTalkApi {
  return {
    async networkStatus(): Promise<Result<NodeHealth[]>> {
      try {
        const topology = buildTopology(portBaseFromEnv(env));
        const health = await status({ dataDir: dataDir(env), topology, log: () => undefined });
        return ok(health.map((h) => ({ name: h.name, kind: h.kind as NodeHealth['kind'], healthy: h.healthy })));
      } catch (error) {
        return fail('NETWORK_UNAVAILABLE', error);
      }
    },
  };
}
