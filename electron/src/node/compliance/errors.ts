import type { ApiErrorCode } from '../../common/api';

// Failures of this area that are not the chaincode's or the transport's
// (those stay LedgerError): the code is one the UI translates.

export class ComplianceError extends Error {
  override readonly name = 'ComplianceError';

  constructor(
    readonly code: Extract<ApiErrorCode, 'BAD_INPUT' | 'NOT_AN_EXPORT' | 'FORBIDDEN' | 'LIMIT_EXCEEDED' | 'INTERNAL'>,
    message: string,
  ) {
    super(message);
  }
}

export const badInput = (message: string): ComplianceError => new ComplianceError('BAD_INPUT', message);
/** Verify was given something that is not a KTalk JSON export (a CSV export, another file). */
export const notAnExport = (message: string): ComplianceError => new ComplianceError('NOT_AN_EXPORT', message);
