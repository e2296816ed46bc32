import { Info, Transaction } from 'fabric-contract-api';
// A value import: fabric-contract-api recognises ctx by its emitted design:paramtypes.
import { KTalkContext } from '../lib/context';
import { KTalkContract } from '../lib/ktalk-contract';
import { key } from '../lib/state';
import { parseTransactionRequest } from '../lib/validate';

/** Large enough for the benchmark's 1 KiB value, small enough to stay a baseline. */
export { BENCH_MAX_VALUE_CHARS } from '@ktalk/protocol';

/**
 * The network benchmark's baseline (npm run bench:network, workload A): one
 * bare PutState — no caller lookup, no audit record, no event — so the other
 * workloads can be expressed as a fraction of what Fabric itself costs.
 * Served only when the chaincode process has KTALK_BENCH_CONTRACT=on (see
 * src/index.ts); production networks never set it.
 */
@Info({ title: 'BenchContract', description: 'Benchmark baseline: a single PutState (KTALK_BENCH_CONTRACT=on only)' })
export class BenchContract extends KTalkContract {
  constructor() {
    super('bench');
  }

  @Transaction()
  async Put(ctx: KTalkContext, request: string): Promise<string> {
    const req = parseTransactionRequest('bench', 'Put', request);
    await ctx.stub.putState(key('bench', req.key), Buffer.from(req.value, 'utf8'));
    return JSON.stringify({ key: req.key });
  }
}
