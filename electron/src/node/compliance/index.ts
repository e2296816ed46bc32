// Compliance: audit query, export and verification (see README.md).
export { type AuditQueryOptions, auditQuery } from './query';
export { type AuditExportOptions, auditExport } from './export';
export { type AuditVerifyOptions, auditVerify } from './verify';
export { ComplianceError } from './errors';
