// @ktalk/protocol: the wire contract between the chaincode and the client.
// group-roles.ts is also importable on its own (no zod) by the renderer.
export * from './base64';
export * from './canonical-json';
export * from './errors';
export * from './events';
export * from './group-roles';
export * from './limits';
export * from './primitives';
export * from './records/audit';
export * from './records/directory';
export * from './records/groups';
export * from './records/messages';
export * from './records/payments';
export * from './records/sharing';
export * from './records/smoke';
export * from './contracts/audit';
export * from './contracts/directory';
export * from './contracts/groups';
export * from './contracts/messages';
export * from './contracts/payments';
export * from './contracts/sharing';
export * from './contracts/smoke';
export * from './transactions';
