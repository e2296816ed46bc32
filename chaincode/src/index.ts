import { AuditContract } from './contracts/audit-contract';
import { DirectoryContract } from './contracts/directory-contract';
import { GroupsContract } from './contracts/groups-contract';
import { MessagesContract } from './contracts/messages-contract';
import { PaymentsContract } from './contracts/payments-contract';
import { SharingContract } from './contracts/sharing-contract';
import { SmokeContract } from './contracts/smoke-contract';

export {
  AuditContract,
  DirectoryContract,
  GroupsContract,
  MessagesContract,
  PaymentsContract,
  SharingContract,
  SmokeContract,
};

// fabric-chaincode-node loads this list; the first is the default contract.
export const contracts = [
  DirectoryContract,
  GroupsContract,
  MessagesContract,
  SharingContract,
  AuditContract,
  PaymentsContract,
  SmokeContract,
];
