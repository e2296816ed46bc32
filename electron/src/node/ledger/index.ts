export * from './api-code';
export * from './backoff';
export * from './classify';
export * from './errors';
export * from './event-sync';
export * from './ledger-client';
export * from './submit';
