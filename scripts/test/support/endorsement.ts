import type { Transaction } from '@hyperledger/fabric-gateway';
import { common, gateway, ledger as ledgerProtos, peer } from '@hyperledger/fabric-protos';
import { CHAINCODE_NAME } from '../../../network/src/topology';
import type { LiveLedger, User } from './transactions-fixture';

// What a client learns from an endorsement it never submits: the proposal
// response carries the chaincode's answer, its event and the read and write
// sets (private writes as hashes). These helpers endorse with the raw
// gateway API, decode all of that, and keep the endorsed transaction so a
// test can hold it and submit it later, as an attacker would.

export interface Endorsed {
  /** The endorsed transaction, not yet submitted. */
  readonly transaction: Transaction;
  readonly txId: string;
  /** The proposal's timestamp (the chaincode's ctx.now()). */
  readonly timestampMs: number;
  readonly answer: string;
  readonly event: { name: string; payload: string } | null;
  /** Public reads of the chaincode's namespace: key → version ("block:tx", or "none"). */
  readonly reads: ReadonlyMap<string, string>;
  /** Public writes of the chaincode's namespace: key → value (UTF-8), "<delete>" for deletes. */
  readonly writes: ReadonlyMap<string, string>;
  /** Private writes as the proposal response holds them: "collection/keyHash" → valueHash (hex). */
  readonly privateWrites: ReadonlyMap<string, string>;
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const utf8 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('utf8');

/** Endorses `contract.tx(request)` as `user` without submitting it, and decodes the proposal response. */
export async function endorseOnly(
  ledger: LiveLedger,
  user: User,
  contract: string,
  tx: string,
  request: unknown,
  transient?: Record<string, Uint8Array>,
): Promise<Endorsed> {
  const proposal = ledger
    .channel(user)
    .getContract(CHAINCODE_NAME, contract)
    .newProposal(tx, { arguments: [JSON.stringify(request)], ...(transient ? { transientData: transient } : {}) });
  const transaction = await proposal.endorse();
  const envelope = gateway.PreparedTransaction.deserializeBinary(transaction.getBytes()).getEnvelope();
  if (!envelope) throw new Error('an endorsed transaction without its envelope');
  const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
  const header = common.ChannelHeader.deserializeBinary(
    payload.getHeader()?.getChannelHeader_asU8() ?? new Uint8Array(),
  );
  const stamp = header.getTimestamp();
  const timestampMs = (stamp?.getSeconds() ?? 0) * 1000 + Math.floor((stamp?.getNanos() ?? 0) / 1e6);
  const [action] = peer.Transaction.deserializeBinary(payload.getData_asU8()).getActionsList();
  if (!action) throw new Error('an endorsed transaction without an action');
  const endorsed = peer.ChaincodeActionPayload.deserializeBinary(action.getPayload_asU8()).getAction();
  const responsePayload = peer.ProposalResponsePayload.deserializeBinary(
    endorsed?.getProposalResponsePayload_asU8() ?? new Uint8Array(),
  );
  const chaincodeAction = peer.ChaincodeAction.deserializeBinary(responsePayload.getExtension_asU8());

  const reads = new Map<string, string>();
  const writes = new Map<string, string>();
  const privateWrites = new Map<string, string>();
  const rwset = ledgerProtos.rwset.TxReadWriteSet.deserializeBinary(chaincodeAction.getResults_asU8());
  for (const ns of rwset.getNsRwsetList()) {
    if (ns.getNamespace() !== CHAINCODE_NAME) continue;
    const kv = ledgerProtos.rwset.kvrwset.KVRWSet.deserializeBinary(ns.getRwset_asU8());
    for (const r of kv.getReadsList()) {
      const v = r.getVersion();
      reads.set(r.getKey(), v ? `${v.getBlockNum()}:${v.getTxNum()}` : 'none');
    }
    for (const w of kv.getWritesList()) writes.set(w.getKey(), w.getIsDelete() ? '<delete>' : utf8(w.getValue_asU8()));
    for (const coll of ns.getCollectionHashedRwsetList()) {
      const hashed = ledgerProtos.rwset.kvrwset.HashedRWSet.deserializeBinary(coll.getHashedRwset_asU8());
      for (const w of hashed.getHashedWritesList()) {
        privateWrites.set(`${coll.getCollectionName()}/${hex(w.getKeyHash_asU8())}`, hex(w.getValueHash_asU8()));
      }
    }
  }
  const eventBytes = chaincodeAction.getEvents_asU8();
  const event =
    eventBytes.length > 0
      ? (() => {
          const e = peer.ChaincodeEvent.deserializeBinary(eventBytes);
          return { name: e.getEventName(), payload: utf8(e.getPayload_asU8()) };
        })()
      : null;
  return {
    transaction,
    txId: transaction.getTransactionId(),
    timestampMs,
    answer: utf8(transaction.getResult()),
    event,
    reads,
    writes,
    privateWrites,
  };
}

/** The time as the chaincode writes it into keys (sortableTime in chaincode/src/lib/clock.ts). */
const sortable = (ms: number): string => ms.toString().padStart(16, '0');

/**
 * Everything an endorsement showed its caller, with the caller's id, the
 * transaction id and the timestamp replaced by placeholders: two endorsements
 * whose views are equal told their callers the same thing (private writes
 * are compared by collection only, see below).
 */
export function endorsementView(endorsed: Endorsed, callerId: string, laterTimes: readonly number[] = []): unknown {
  // Instants derived from the stamp (e.g. an expiry `laterTimes[i]` ms after it) first, then the stamp.
  const shifted = (text: string): string =>
    laterTimes.reduce((t, ms) => t.split(String(endorsed.timestampMs + ms)).join(`<time+${ms}>`), text);
  const anon = (text: string): string =>
    shifted(text)
      .split(callerId)
      .join('<caller>')
      .split(endorsed.txId)
      .join('<txId>')
      .split(sortable(endorsed.timestampMs))
      .join('<time>')
      .split(String(endorsed.timestampMs))
      .join('<time>');
  const entries = (m: ReadonlyMap<string, string>) => [...m].map(([k, v]) => [anon(k), anon(v)]).sort();
  return {
    answer: anon(endorsed.answer),
    event: endorsed.event ? { name: endorsed.event.name, payload: anon(endorsed.event.payload) } : null,
    reads: [...endorsed.reads.keys()].map(anon).sort(),
    writes: entries(endorsed.writes),
    // Hashes only: a key hash changes with a txId in the key, a value hash tells nothing unless the value
    // can be guessed; so only which collections are written is compared (a test checks the hashes itself).
    privateWrites: [...endorsed.privateWrites.keys()].map((k) => k.slice(0, k.indexOf('/'))).sort(),
  };
}
