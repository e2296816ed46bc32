// How a chaincode user id ("Org1MSP::alice") is shown to people.

export function enrollmentOf(userId: string): string {
  const at = userId.indexOf('::');
  return at >= 0 ? userId.slice(at + 2) : userId;
}

export function orgOf(userId: string): string {
  const at = userId.indexOf('::');
  return at >= 0 ? userId.slice(0, at).replace(/MSP$/, '') : '';
}

/** "alice (Org1)". */
export function displayName(userId: string): string {
  const org = orgOf(userId);
  return org ? `${enrollmentOf(userId)} (${org})` : userId;
}
