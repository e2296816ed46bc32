import type { RevokeReport, Role, SessionState } from '../../../electron/src/common/api';

/** Pages that exist only for one role; the nav hides them and the page refuses too. */
export function hasRole(session: SessionState | undefined | null, role: Role): boolean {
  return session?.state === 'signed-in' && session.account?.role === role;
}

export type RevokeStepKey = 'caRevoked' | 'crlInChannel' | 'directoryDisabled';
export const REVOKE_STEPS: readonly RevokeStepKey[] = ['caRevoked', 'crlInChannel', 'directoryDisabled'];

export interface RevokeStep {
  readonly key: RevokeStepKey;
  readonly done: boolean;
}

export function revokeSteps(report: RevokeReport): RevokeStep[] {
  return REVOKE_STEPS.map((key) => ({ key, done: report[key] }));
}

export function revokeComplete(report: RevokeReport): boolean {
  return REVOKE_STEPS.every((key) => report[key]);
}
