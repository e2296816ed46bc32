import { displayName } from '../../lib/names';

// User ids as people read them, and the form the API accepts.

/** "alice (Org1)" */
export function userLabel(userId: string): string {
  return displayName(userId);
}

/** The chaincode's user id form (the API refuses anything else). */
export const USER_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}::[a-z][a-z0-9._-]{1,63}$/;
