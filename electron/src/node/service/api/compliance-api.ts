import * as compliance from '../../compliance';
import { approveKeyChange } from '../../contacts/directory-pages';
import type { AppSession } from '../session';
import { contactOf } from './contacts-api';
import type { Handlers } from './handlers';

// A compliance officer's audit trail (one page, the whole window as a
// file, the proof a JSON export is on the ledger) and their co-approval of
// a user's key recovery, answered as the contact it changed.

export const complianceApi = (app: AppSession) => {
  const session = () => app.need().session;
  return {
    auditQuery: async (input) => compliance.auditQuery(session(), input),
    auditExport: async (input) => compliance.auditExport(session(), input),
    auditVerify: async (input) => compliance.auditVerify(session(), input),
    approveKeyChange: async ({ userId }) => {
      await approveKeyChange(session().ledger, userId);
      return contactOf(app, userId);
    },
  } satisfies Handlers<'auditQuery' | 'auditExport' | 'auditVerify' | 'approveKeyChange'>;
};
