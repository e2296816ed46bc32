import * as admin from '../../admin';
import type { AppSession } from '../session';
import type { Handlers } from './handlers';

// An org admin's identities at the CA: register, a new enrollment secret, list the people, revoke.

export const adminApi = (app: AppSession) => {
  const session = () => app.need().session;
  return {
    adminRegister: async (input) => admin.adminRegister(session(), input),
    adminReissueSecret: async (input) => admin.adminReissueSecret(session(), input),
    adminListIdentities: async () => admin.adminListPeople(session()),
    adminRevoke: async (input) => admin.adminRevoke(session(), input),
  } satisfies Handlers<'adminRegister' | 'adminReissueSecret' | 'adminListIdentities' | 'adminRevoke'>;
};
