import * as compliance from '../../compliance';
import type { AppSession } from '../session';
import type { Handlers } from './handlers';

// A compliance officer's audit trail: one page, the whole window as a file, and the proof a JSON export is on the ledger.
// (approveKeyChange, listed with compliance in the API, is a directory call: see contacts-api.ts.)

export const complianceApi = (app: AppSession) => {
  const session = () => app.need().session;
  return {
    auditQuery: async (input) => compliance.auditQuery(session(), input),
    auditExport: async (input) => compliance.auditExport(session(), input),
    auditVerify: async (input) => compliance.auditVerify(session(), input),
  } satisfies Handlers<'auditQuery' | 'auditExport' | 'auditVerify'>;
};
