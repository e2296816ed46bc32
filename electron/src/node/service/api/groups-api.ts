import * as groupOps from '../../messaging/group-ops';
import type { AppSession } from '../session';
import type { Handlers } from './handlers';

// Groups and roles: each change goes through the messenger's group
// operations (a new epoch key where members change) and answers the
// group as it is afterwards.

export const groupsApi = (app: AppSession) => {
  const messenger = () => app.need().messenger;
  /** Runs a change, then reads the group again for the answer. */
  const changed = async (conversationId: string, change: Promise<unknown>) => {
    await change;
    return groupOps.groupDetails(messenger(), conversationId);
  };
  return {
    createGroup: async (input) => messenger().summary(await groupOps.createGroup(messenger(), input)),
    getGroup: async ({ conversationId }) => groupOps.groupDetails(messenger(), conversationId),
    addMember: async ({ conversationId, userId, role }) =>
      changed(conversationId, groupOps.addMember(messenger(), conversationId, userId, role)),
    removeMember: async ({ conversationId, userId }) =>
      changed(conversationId, groupOps.removeFromGroup(messenger(), conversationId, userId)),
    leaveGroup: async ({ conversationId }) => {
      await groupOps.leave(messenger(), conversationId);
      return null;
    },
    changeRole: async ({ conversationId, userId, role }) =>
      changed(conversationId, groupOps.changeRole(messenger(), conversationId, userId, role)),
    transferOwnership: async ({ conversationId, userId }) =>
      changed(conversationId, groupOps.transferOwnership(messenger(), conversationId, userId)),
    updatePolicy: async ({ conversationId, policy }) =>
      changed(conversationId, groupOps.updatePolicy(messenger(), conversationId, policy)),
  } satisfies Handlers<
    | 'createGroup'
    | 'getGroup'
    | 'addMember'
    | 'removeMember'
    | 'leaveGroup'
    | 'changeRole'
    | 'transferOwnership'
    | 'updatePolicy'
  >;
};
