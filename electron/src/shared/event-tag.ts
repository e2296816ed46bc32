import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { Contract, Gateway, Proposal } from '@hyperledger/fabric-gateway';
import { gateway as gatewayProtos, peer } from '@hyperledger/fabric-protos';

// Reference implementation of KTalk's event tags (chaincode/README.md,
// "Events"). Conversation events reach every listening client, so their only
// payload is a tag that members recognise and nobody else can link:
//
//   K_tag = HKDF-SHA256(ikm = 32-byte conversation epoch key, salt = none,
//                       info = "ktalk/event-tag/v1", 32 bytes)
//   tag   = base64(HMAC-SHA256(K_tag, UTF-8 bytes of the transaction id))
//
// Binding the tag to the transaction id makes every tag different (a
// listener cannot group events by conversation) and a copied tag useless (it
// does not match the copier's own transaction id).

export const EVENT_TAG_INFO = 'ktalk/event-tag/v1';
const KEY_BYTES = 32;

/** The tag key of one epoch key; clients may cache it per epoch. */
export function eventTagKey(conversationKey: Uint8Array): Buffer {
  if (conversationKey.length !== KEY_BYTES) throw new Error(`a conversation key is ${KEY_BYTES} bytes`);
  return Buffer.from(hkdfSync('sha256', conversationKey, Buffer.alloc(0), EVENT_TAG_INFO, KEY_BYTES));
}

/** The tag a member sends as `eventTag` for the transaction `txId`. */
export function eventTag(conversationKey: Uint8Array, txId: string): string {
  return createHmac('sha256', eventTagKey(conversationKey)).update(txId, 'utf8').digest('base64');
}

/** A chaincode event as a listener receives it. */
export interface TaggedEvent {
  readonly transactionId: string;
  readonly payload: Uint8Array;
}

/**
 * The conversation a tagged event is about, or null: not a tagged event, or
 * not one of the given conversations. `keys` holds ONE key per conversation,
 * the key of its current epoch: a tag under an older epoch key is ignored,
 * because a former member still holds that key and could otherwise make the
 * group's clients re-read it at will (issue 14, item 13). Callers leave out
 * a conversation whose current key a leaver still holds (re-key pending).
 */
export function recogniseEvent(event: TaggedEvent, keys: ReadonlyMap<string, Uint8Array>): string | null {
  let tag: Buffer;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(event.payload).toString('utf8'));
    const value = (parsed as { tag?: unknown } | null)?.tag;
    if (typeof value !== 'string') return null;
    tag = Buffer.from(value, 'base64');
  } catch {
    return null;
  }
  if (tag.length !== KEY_BYTES) return null;
  for (const [conversationId, key] of keys) {
    const expected = Buffer.from(eventTag(key, event.transactionId), 'base64');
    if (timingSafeEqual(expected, tag)) return conversationId;
  }
  return null;
}

/**
 * A proposal whose JSON request may depend on its own transaction id, as a
 * tagged request does. Fabric fixes the id (SHA-256 of nonce and creator)
 * before the arguments, and fabric-gateway draws the nonce itself: so build
 * the proposal once with a placeholder, read its id, and write the real
 * request into the still unsigned proposal bytes. Endorse and submit the
 * result as usual. `build` creates the draft (e.g. with a shifted clock).
 */
export function proposalWithTxId(
  gateway: Gateway,
  contract: Contract,
  transaction: string,
  request: (txId: string) => unknown,
  transientData?: Record<string, Uint8Array>,
  build: (draft: () => Proposal) => Proposal = (draft) => draft(),
): Proposal {
  const draft = build(() =>
    contract.newProposal(transaction, { arguments: [''], ...(transientData ? { transientData } : {}) }),
  );
  const txId = draft.getTransactionId();
  const proposed = gatewayProtos.ProposedTransaction.deserializeBinary(draft.getBytes());
  const signed = proposed.getProposal();
  if (!signed) throw new Error('draft proposal has no proposal');
  const proposal = peer.Proposal.deserializeBinary(signed.getProposalBytes_asU8());
  const payload = peer.ChaincodeProposalPayload.deserializeBinary(proposal.getPayload_asU8());
  const invocation = peer.ChaincodeInvocationSpec.deserializeBinary(payload.getInput_asU8());
  const spec = invocation.getChaincodeSpec();
  const input = spec?.getInput();
  const [name] = input?.getArgsList_asU8() ?? [];
  if (!spec || !input || !name) throw new Error('draft proposal has no chaincode input');
  input.setArgsList([name, Buffer.from(JSON.stringify(request(txId)), 'utf8')]);
  spec.setInput(input);
  invocation.setChaincodeSpec(spec);
  payload.setInput(invocation.serializeBinary());
  proposal.setPayload(payload.serializeBinary());
  signed.setProposalBytes(proposal.serializeBinary());
  proposed.setProposal(signed);
  const result = gateway.newProposal(proposed.serializeBinary());
  if (result.getTransactionId() !== txId) throw new Error('transaction id changed while writing the request');
  return result;
}
