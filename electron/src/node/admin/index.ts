export { adminListIdentities, adminListPeople, adminRegister, adminReissueSecret } from './identities';
export { adminRevoke, type RevokeOptions, type RevokeProgress } from './revoke';
export { AdminError } from './errors';
