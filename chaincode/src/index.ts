import { SmokeContract } from './contracts/smoke-contract';

export { SmokeContract };

// The order matters only for the default contract (the first one).
export const contracts = [SmokeContract];
