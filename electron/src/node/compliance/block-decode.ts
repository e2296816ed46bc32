import { common, ledger, peer } from '@hyperledger/fabric-protos';
import { LedgerError } from '../ledger';
import { type HeaderFields, dataHash } from './block-hash';

// Just enough of a block to prove a transaction: its header, whether the
// header's dataHash covers the data actually in the block, the peers'
// validation code for each transaction (metadata TRANSACTIONS_FILTER), and
// the public writes one chaincode made in a transaction.

export interface DecodedBlock {
  readonly number: number;
  readonly header: HeaderFields;
  /** header.dataHash equals SHA-256 of the block's data entries. */
  readonly dataHashMatches: boolean;
  readonly entries: Uint8Array[];
  readonly validationCodes: Uint8Array;
}

export function decodeBlock(bytes: Uint8Array, what: string): DecodedBlock {
  try {
    const block = common.Block.deserializeBinary(bytes);
    const header = block.getHeader();
    if (!header) throw new Error('no header');
    const entries = block.getData()?.getDataList_asU8() ?? [];
    const fields: HeaderFields = {
      number: BigInt(header.getNumber()),
      previousHash: header.getPreviousHash_asU8(),
      dataHash: header.getDataHash_asU8(),
    };
    return {
      number: header.getNumber(),
      header: fields,
      dataHashMatches: dataHash(entries).equals(fields.dataHash),
      entries,
      validationCodes:
        block.getMetadata()?.getMetadataList_asU8()[common.BlockMetadataIndex.TRANSACTIONS_FILTER] ?? new Uint8Array(),
    };
  } catch (error) {
    throw new LedgerError('BAD_RESPONSE', `${what}: not a block (${(error as Error).message})`, { cause: error });
  }
}

export interface Write {
  readonly isDelete: boolean;
  readonly value: Uint8Array;
}

export interface LocatedTransaction {
  readonly index: number;
  readonly channelId: string;
  readonly type: number;
  /** Undefined when the block's filter has no entry for it. */
  readonly validationCode: number | undefined;
  /** The chaincode's public writes under the key prefix asked for (none for a non-endorser transaction). */
  readonly writes: Map<string, Write>;
}

/** The transaction `txId` in `block` and the public writes `chaincode` made under `keyPrefix`; null if it is not there. */
export function locateTransaction(
  block: DecodedBlock,
  txId: string,
  chaincode: string,
  keyPrefix: string,
): LocatedTransaction | null {
  for (const [index, raw] of block.entries.entries()) {
    const payload = common.Payload.deserializeBinary(common.Envelope.deserializeBinary(raw).getPayload_asU8());
    const channelHeader = common.ChannelHeader.deserializeBinary(
      payload.getHeader()?.getChannelHeader_asU8() ?? new Uint8Array(),
    );
    if (channelHeader.getTxId() !== txId) continue;
    const type = channelHeader.getType();
    return {
      index,
      channelId: channelHeader.getChannelId(),
      type,
      validationCode: block.validationCodes[index],
      writes:
        type === common.HeaderType.ENDORSER_TRANSACTION
          ? chaincodeWrites(payload.getData_asU8(), chaincode, keyPrefix)
          : new Map(),
    };
  }
  return null;
}

function chaincodeWrites(transactionBytes: Uint8Array, chaincode: string, keyPrefix: string): Map<string, Write> {
  const writes = new Map<string, Write>();
  for (const action of peer.Transaction.deserializeBinary(transactionBytes).getActionsList()) {
    const endorsed = peer.ChaincodeActionPayload.deserializeBinary(action.getPayload_asU8()).getAction();
    if (!endorsed) continue;
    const response = peer.ProposalResponsePayload.deserializeBinary(endorsed.getProposalResponsePayload_asU8());
    const chaincodeAction = peer.ChaincodeAction.deserializeBinary(response.getExtension_asU8());
    if (chaincodeAction.getChaincodeId()?.getName() !== chaincode) continue;
    const rwset = ledger.rwset.TxReadWriteSet.deserializeBinary(chaincodeAction.getResults_asU8());
    for (const ns of rwset.getNsRwsetList()) {
      if (ns.getNamespace() !== chaincode) continue;
      for (const write of ledger.rwset.kvrwset.KVRWSet.deserializeBinary(ns.getRwset_asU8()).getWritesList()) {
        if (!write.getKey().startsWith(keyPrefix)) continue;
        writes.set(write.getKey(), { isDelete: write.getIsDelete(), value: write.getValue_asU8() });
      }
    }
  }
  return writes;
}
