import path from 'node:path';
import { type Overrides, writeNodeConfig } from '../config/node-config';
import { type ProcessRecord, startProcess, waitUntilReady } from '../processes';
import { isHealthy } from './health';

export interface FabricNodeSpec {
  name: string;
  binary: 'peer' | 'orderer';
  args: string[];
  configFile: 'core.yaml' | 'orderer.yaml';
  overrides: Overrides;
  operationsPort: number;
  env?: Readonly<Record<string, string>>;
}

/** Writes the node's config from Fabric's sample, starts it, and waits for /healthz. */
export async function startFabricNode(
  dataDir: string,
  binDir: string,
  sampleConfigDir: string,
  spec: FabricNodeSpec,
): Promise<ProcessRecord> {
  const cfg = await writeNodeConfig(dataDir, sampleConfigDir, spec.name, spec.configFile, spec.overrides);
  const record = await startProcess(dataDir, {
    name: spec.name,
    command: path.join(binDir, spec.binary),
    args: spec.args,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      FABRIC_CFG_PATH: cfg,
      FABRIC_LOGGING_SPEC: 'INFO',
      ...spec.env,
    },
    cwd: cfg,
  });
  await waitUntilReady(record, () => isHealthy(spec.operationsPort), `starting the ${spec.binary}`);
  return record;
}
