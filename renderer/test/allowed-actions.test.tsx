import { DEFAULT_GROUP_POLICY } from '@ktalk/protocol/group-roles';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { GroupDetails } from '../../electron/src/common/api';
import { allowedActionsFor, createFakeApi } from '../src/api/fake-api';
import { GroupDetailsPane } from '../src/features/groups';
import { renderWithApp } from './render';

const policy = DEFAULT_GROUP_POLICY;

function details(
  myRole: GroupDetails['myRole'],
  allowedActions: GroupDetails['allowedActions'],
  extra: Partial<GroupDetails> = {},
): GroupDetails {
  return {
    conversation: {
      id: 'grp-1',
      kind: 'group',
      title: 'Falcon',
      unread: 0,
      epoch: 4,
      retentionSeconds: 0,
      rekeyRequired: false,
    },
    members: [
      { userId: 'Org1MSP::alice', role: myRole },
      { userId: 'Org2MSP::bob', role: myRole === 'owner' ? 'member' : 'owner' },
      { userId: 'Org1MSP::carol', role: 'reader' },
    ],
    policy,
    owner: myRole === 'owner' ? 'Org1MSP::alice' : 'Org2MSP::bob',
    myRole,
    allowedActions,
    ...extra,
  };
}

const noop = () => undefined;

describe('group details show only the allowed actions', () => {
  it('a plain member can post and leave, nothing else', async () => {
    renderWithApp(
      <GroupDetailsPane details={details('member', ['post', 'leave'])} onChanged={noop} onLeft={noop} onClose={noop} />,
    );
    expect(await screen.findByRole('button', { name: 'Leave group' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Invite' })).toBeNull();
    expect(screen.queryByRole('button', { name: /^Remove/ })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Make owner' })).toBeNull();
    expect(screen.queryByRole('combobox', { name: /Role of/ })).toBeNull();
    // The rules are visible but cannot be changed.
    expect(screen.getByRole('combobox', { name: 'Who can post' }).matches(':disabled')).toBe(true);
    expect(screen.getByText('Only the owner and admins can change these rules.')).toBeTruthy();
  });

  it('the owner manages members and cannot leave (ownership goes first)', async () => {
    renderWithApp(
      <GroupDetailsPane
        details={details('owner', ['post', 'invite', 'remove', 'changeRole', 'transferOwnership', 'updatePolicy'])}
        onChanged={noop}
        onLeft={noop}
        onClose={noop}
      />,
    );
    expect(await screen.findByRole('button', { name: 'Invite' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Remove bob (Org2)' })).toBeTruthy();
    expect(screen.getAllByRole('button', { name: 'Make owner' })).toHaveLength(2);
    expect(screen.getByRole('combobox', { name: 'Role of carol (Org1)' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Leave group' })).toBeNull();
    // Nobody offers to remove the owner (alice, "you").
    expect(screen.queryByRole('button', { name: 'Remove alice (Org1)' })).toBeNull();
  });

  it('shows the key version and why a re-key is pending', async () => {
    renderWithApp(
      <GroupDetailsPane
        details={details('member', ['leave'], {
          conversation: {
            id: 'grp-1',
            kind: 'group',
            title: 'Falcon',
            unread: 0,
            epoch: 5,
            retentionSeconds: 0,
            rekeyRequired: true,
          },
          epochChangedAt: Date.UTC(2026, 10, 22, 8, 0),
        })}
        onChanged={noop}
        onLeft={noop}
        onClose={noop}
      />,
    );
    expect(await screen.findByText('Key version 5')).toBeTruthy();
    expect(screen.getByText(/because the membership changed/)).toBeTruthy();
    expect(screen.getByText(/waiting for a manager's device to rotate the key/)).toBeTruthy();
  });

  it('removing asks first, then calls removeMember and hands back the new details', async () => {
    const api = createFakeApi({ signedInAs: 'Org1MSP::alice', seed: true });
    const group = [...api.conversations.values()].find((c) => c.summary.kind === 'group');
    if (!group) throw new Error('seed has a group');
    const initial = await api.getGroup({ conversationId: group.summary.id });
    if (!initial.ok) throw new Error('getGroup');
    const onChanged = vi.fn();
    renderWithApp(<GroupDetailsPane details={initial.value} onChanged={onChanged} onLeft={noop} onClose={noop} />, {
      api,
    });
    await userEvent.click(await screen.findByRole('button', { name: 'Remove bob (Org2)' }));
    const dialog = await screen.findByRole('alertdialog');
    expect(within(dialog).getByText(/cannot read anything sent after this/)).toBeTruthy();
    expect(api.calls).not.toContain('removeMember');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Remove' }));
    await vi.waitFor(() => expect(onChanged).toHaveBeenCalled());
    const after = onChanged.mock.calls[0]?.[0] as GroupDetails;
    expect(after.members.map((m) => m.userId)).not.toContain('Org2MSP::bob');
    expect(after.conversation.epoch).toBeGreaterThan(initial.value.conversation.epoch);
  });

  it('the fake follows the role rules the UI relies on', () => {
    expect(allowedActionsFor('reader', policy)).toEqual(['leave']);
    expect(allowedActionsFor('owner', policy)).not.toContain('leave');
    expect(allowedActionsFor('owner', policy, 'group', 2)).toContain('leave');
    expect(allowedActionsFor('admin', policy)).not.toContain('updatePolicy');
    expect(allowedActionsFor('member', { ...policy, whoCanPost: 'admins' })).not.toContain('post');
  });
});

describe("the fake's group rules are the chaincode's", () => {
  async function aliceWithGroup() {
    const api = createFakeApi({ signedInAs: 'Org1MSP::alice' });
    const created = await api.createGroup({ title: 'Rules', members: ['Org2MSP::bob'], policy });
    if (!created.ok) throw new Error('createGroup');
    return { api, conversationId: created.value.id };
  }

  it('an admin cannot change the policy (only an owner may), and is not offered it', async () => {
    const { api, conversationId } = await aliceWithGroup();
    expect(await api.updatePolicy({ conversationId, policy: { paymentsAllowed: true } })).toMatchObject({ ok: true });
    // Alice hands ownership to bob and stays on as an admin.
    const handed = await api.transferOwnership({ conversationId, userId: 'Org2MSP::bob' });
    if (!handed.ok) throw new Error('transferOwnership');
    expect(handed.value.myRole).toBe('admin');
    expect(handed.value.allowedActions).not.toContain('updatePolicy');
    expect(await api.updatePolicy({ conversationId, policy: { whoCanPost: 'admins' } })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    const after = await api.getGroup({ conversationId });
    expect(after.ok && after.value.policy).toEqual({ ...policy, paymentsAllowed: true });
  });

  it('the last owner leaving is refused with CONFLICT and stays; with a second owner, an owner leaves', async () => {
    const { api, conversationId } = await aliceWithGroup();
    expect(await api.leaveGroup({ conversationId })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    const still = await api.getGroup({ conversationId });
    expect(still.ok && still.value.members.map((m) => m.userId)).toContain('Org1MSP::alice');
    expect(still.ok && still.value.allowedActions).not.toContain('leave');
    // Like the chaincode: an owner may make another owner; then either may leave.
    const coOwned = await api.changeRole({ conversationId, userId: 'Org2MSP::bob', role: 'owner' });
    expect(coOwned.ok && coOwned.value.allowedActions).toContain('leave');
    expect(await api.leaveGroup({ conversationId })).toEqual({ ok: true, value: null });
    expect(await api.getGroup({ conversationId })).toMatchObject({ ok: false, error: { code: 'NOT_MEMBER' } });
  });
});
