import { describe, expect, it } from 'vitest';
import { mayChangePolicy, mayLeave, mayManageMembers, mayPost } from '@ktalk/protocol/group-roles';
import { MAX_RETENTION_SECONDS } from '@ktalk/protocol/limits';

// The renderer imports the chaincode's own role rules and limits from the
// protocol (zod-free subpaths, aliased to source by the Vite config).

describe('protocol role rules in the renderer', () => {
  const policy = { whoCanPost: 'admins', whoCanInvite: 'members' } as const;

  it('are the chaincode rules: who posts, invites, changes the policy and leaves', () => {
    expect(mayPost(policy, 'member')).toBe(false);
    expect(mayPost(policy, 'admin')).toBe(true);
    expect(mayManageMembers(policy, 'member')).toBe(true);
    expect(mayManageMembers(policy, 'reader')).toBe(false);
    expect(mayChangePolicy('group', 'admin')).toBe(false);
    expect(mayChangePolicy('direct', 'member')).toBe(true);
    expect(mayLeave('owner', 0)).toBe(false);
    expect(mayLeave('owner', 1)).toBe(true);
  });

  it('share the longest retention with the chaincode: ten years of 366 days', () => {
    expect(MAX_RETENTION_SECONDS).toBe(10 * 366 * 24 * 3600);
  });
});
