import type { Gateway } from '@hyperledger/fabric-gateway';
import { eventTag, proposalWithTxId } from '../../shared/event-tag';
import type { ContractName, RequestOf, SubmitName } from '@ktalk/protocol';
import type { Committed, LedgerClient, Transient } from '../ledger';

// Conversation transactions carry an event tag bound to their own
// transaction id (chaincode/README.md, "Events"), so the request is written
// after the proposal's id is known. Every retry builds a new proposal, hence
// a new id and a new tag.

export interface TaggedSubmitter {
  readonly ledger: LedgerClient;
  /** The caller's gateway: the proposal is rebuilt through it once the request names its id. */
  readonly gateway: Gateway;
}

/** Submits `contract.transaction(request + eventTag)`, the tag made with `tagKey` (an epoch key). */
export function submitTagged<C extends ContractName, T extends SubmitName<C>>(
  via: TaggedSubmitter,
  contract: C,
  transaction: T,
  tagKey: Uint8Array,
  request: Omit<RequestOf<C, T>, 'eventTag'>,
  transient?: Transient,
): Promise<Committed> {
  return via.ledger.submitProposal(contract, (c) =>
    proposalWithTxId(
      via.gateway,
      c,
      transaction,
      (txId) => ({ ...request, eventTag: eventTag(tagKey, txId) }),
      transient,
    ),
  );
}
