export * from './errors';
export { ftsQuery } from './fts-query';
export { openStoreWithProtector, readStoreKeyFile, storeKey, storeKeyFilePath, type StoreKeyFile } from './key-file';
export { APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION, type Migration } from './migrations';
export { openStore, STORE_KEY_BYTES, type OpenStoreOptions } from './open';
export * from './schemas';
export { Store, type MessageRow } from './store';
