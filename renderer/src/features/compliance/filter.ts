import type { AuditFilter } from '../../../../electron/src/common/api';

// The filter form's text fields → an AuditFilter the API accepts, or the
// fields that are wrong. Bad input never reaches the API.

export interface FilterDraft {
  readonly from: string;
  readonly to: string;
  readonly actor: string;
  readonly action: string;
  readonly target: string;
  readonly outcome: '' | 'ok' | 'denied';
}

export type FilterField = 'from' | 'to' | 'actor' | 'action' | 'target' | 'range';
export type FilterCheck = { ok: true; filter: AuditFilter } | { ok: false; errors: FilterField[] };

const USER_ID = /^[A-Za-z0-9._-]{1,64}::[a-z][a-z0-9._-]{1,63}$/;
const ACTION = /^[A-Za-z]+\.[A-Za-z]+$/;
const LOCAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/;

function localTime(value: string): number | null {
  if (!LOCAL.test(value)) return null;
  const time = new Date(value).getTime();
  return Number.isNaN(time) ? null : time;
}

/** An empty "to" means "until now", read at search time so new records are never cut off. */
export function checkFilter(draft: FilterDraft, now: number): FilterCheck {
  const errors: FilterField[] = [];
  const from = localTime(draft.from.trim());
  // The minute picked is included whole.
  const picked = draft.to.trim() === '' ? now : localTime(draft.to.trim());
  const to = picked === null ? null : draft.to.trim() === '' ? picked : picked + 59_999;
  if (from === null) errors.push('from');
  if (to === null) errors.push('to');
  if (from !== null && to !== null && from > to) errors.push('range');
  const actor = draft.actor.trim();
  const action = draft.action.trim();
  const target = draft.target.trim();
  if (actor && !USER_ID.test(actor)) errors.push('actor');
  if (action && !ACTION.test(action)) errors.push('action');
  if (target.length > 256) errors.push('target');
  if (errors.length > 0 || from === null || to === null) return { ok: false, errors };
  return {
    ok: true,
    filter: {
      from,
      to,
      ...(actor ? { actor } : {}),
      ...(action ? { action } : {}),
      ...(target ? { target } : {}),
      ...(draft.outcome ? { outcome: draft.outcome } : {}),
    },
  };
}

/** Actions the chaincode records, for suggestions; the field accepts any well-formed one. */
export const KNOWN_ACTIONS = [
  'message.post',
  'message.delete',
  'retention.purge',
  'group.openDirect',
  'group.create',
  'group.addMember',
  'group.removeMember',
  'group.leave',
  'group.rekey',
  'group.changeRole',
  'group.transferOwnership',
  'group.updatePolicy',
  'directory.publishKeys',
  'directory.disableUser',
  'directory.enableUser',
  'sharing.RegisterItem',
  'sharing.GrantAccess',
  'sharing.RevokeGrant',
  'sharing.RequestAccess',
  'payments.Mint',
  'payments.Transfer',
  'payments.CreateEscrow',
  'payments.ReleaseEscrow',
  'payments.ClaimEscrow',
  'payments.RefundEscrow',
] as const;

/** i18next splits keys on dots; action names are looked up with underscores. */
export function actionKey(action: string): string {
  return `actionNames.${action.replace(/\./g, '_')}`;
}
