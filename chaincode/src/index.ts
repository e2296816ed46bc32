import { AuditContract } from './contracts/audit-contract';
import { BenchContract } from './contracts/bench-contract';
import { DirectoryContract } from './contracts/directory-contract';
import { GroupsContract } from './contracts/groups-contract';
import { MessagesContract } from './contracts/messages-contract';
import { PaymentsContract } from './contracts/payments-contract';
import { SharingContract } from './contracts/sharing-contract';
import { SmokeContract } from './contracts/smoke-contract';

export {
  AuditContract,
  BenchContract,
  DirectoryContract,
  GroupsContract,
  MessagesContract,
  PaymentsContract,
  SharingContract,
  SmokeContract,
};

/**
 * The contracts one chaincode process serves. The benchmark baseline is added
 * only when KTALK_BENCH_CONTRACT=on (set by npm run bench:network, the same on
 * every peer); unset or "off" leaves it out, and any other value stops the
 * process rather than guess.
 */
export function contractsFor(env: NodeJS.ProcessEnv) {
  const bench = env.KTALK_BENCH_CONTRACT;
  if (bench !== undefined && bench !== '' && bench !== 'on' && bench !== 'off') {
    throw new Error(`KTALK_BENCH_CONTRACT must be "on" or "off", got "${bench}"`);
  }
  return [
    DirectoryContract,
    GroupsContract,
    MessagesContract,
    SharingContract,
    AuditContract,
    PaymentsContract,
    SmokeContract,
    ...(bench === 'on' ? [BenchContract] : []),
  ];
}

// fabric-chaincode-node loads this list; the first is the default contract.
export const contracts = contractsFor(process.env);
