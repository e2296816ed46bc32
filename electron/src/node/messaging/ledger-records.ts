import type { ResponseOf } from '@ktalk/protocol';

// The chaincode's answers the messaging code reads: their schemas are the
// protocol's transaction map (@ktalk/protocol transactions.ts), applied by
// the ledger client as each answer arrives.

/** groups.GetGroup: the record plus the caller's role. */
export type LedgerGroup = ResponseOf<'groups', 'GetGroup'>;
/** One message of messages.ListMessages (its payload while not erased). */
export type LedgerMessage = ResponseOf<'messages', 'ListMessages'>['messages'][number];
