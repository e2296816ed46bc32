import { after, before, describe, it } from 'node:test';
import { up } from '../../network/src/network';
import { ALL_CASES } from './conformance/all-cases';
import { realTarget } from './conformance/real-target';
import type { ConformanceTarget } from './conformance/target';
import { type LiveNetwork, liveNetwork } from './support/live-network';

// The same conformance cases against the real service (createAppService) on
// one live network: every case, including those the fake cannot model.

describe('conformance (real service)', { timeout: 40 * 60_000 }, () => {
  let net: LiveNetwork;
  let target: ConformanceTarget;

  before(async () => {
    net = await liveNetwork('conformance');
    await up(net.ctx);
    target = realTarget(net.ctx);
  });

  after(async () => {
    await target?.dispose();
    await net?.dispose();
  });

  for (const conformanceCase of ALL_CASES) {
    it(conformanceCase.name, () => conformanceCase.run(target));
  }
});
