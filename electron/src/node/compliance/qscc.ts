import { common } from '@hyperledger/fabric-protos';
import { LedgerError, classifyEndorseError, gatewayErrorText, sleep } from '../ledger';
import type { ClientSession } from '../session/client-session';
import { ComplianceError } from './errors';

// Block reads through the peers' system chaincode qscc, over the session's
// own gateway. The channel ACLs (qscc/GetBlockByTxID, GetBlockByNumber,
// GetChainInfo) let compliance officers, org admins and peers through; a
// staff user is refused, which surfaces as FORBIDDEN.

export interface ChainInfo {
  readonly height: number;
  /** SHA-256 of the header of block height-1. */
  readonly currentBlockHash: Buffer;
}

/** Where verification reads blocks from; raw serialized common.Block bytes. */
export interface BlockSource {
  chainInfo(): Promise<ChainInfo>;
  /** Null when the channel has no block with this number. */
  blockByNumber(number: number): Promise<Uint8Array | null>;
  /** Null when no transaction with this id is on the channel. */
  blockByTxId(txId: string): Promise<Uint8Array | null>;
}

const ACCESS_DENIED = /access denied|failed authorization|failed evaluating policy/i;
const NOT_FOUND: Record<string, RegExp> = {
  GetBlockByTxID: /no such transaction id|txid .* not found|entry not found/i,
  GetBlockByNumber: /no such block number|block .* not found|entry not found/i,
};
const ATTEMPTS = 4;

export function qsccBlockSource(session: ClientSession): BlockSource {
  const channel = session.profile.channel;
  const qscc = session.connection.gateway.getNetwork(channel).getContract('qscc');

  const call = async (fn: string, arg?: string): Promise<Uint8Array | null> => {
    const args = arg === undefined ? [channel] : [channel, arg];
    for (let attempt = 1; ; attempt++) {
      try {
        return await qscc.evaluateTransaction(fn, ...args);
      } catch (error) {
        const text = `qscc.${fn}: ${gatewayErrorText(error)}`;
        if (ACCESS_DENIED.test(text)) throw new ComplianceError('FORBIDDEN', text);
        if (NOT_FOUND[fn]?.test(text)) return null;
        const verdict = classifyEndorseError(error);
        if (verdict.kind !== 'transient') throw new LedgerError('FAILED', text, { cause: error });
        if (attempt >= ATTEMPTS) throw new LedgerError('UNAVAILABLE', text, { attempts: attempt, cause: error });
        await sleep(250 * attempt);
      }
    }
  };
  const must = (bytes: Uint8Array | null, what: string): Uint8Array => {
    if (bytes === null) throw new LedgerError('BAD_RESPONSE', `${what}: no answer`);
    return bytes;
  };

  return {
    async chainInfo() {
      const bytes = must(await call('GetChainInfo'), 'qscc.GetChainInfo');
      let info: common.BlockchainInfo;
      try {
        info = common.BlockchainInfo.deserializeBinary(bytes);
      } catch (error) {
        throw new LedgerError('BAD_RESPONSE', 'qscc.GetChainInfo: not a BlockchainInfo', { cause: error });
      }
      return { height: info.getHeight(), currentBlockHash: Buffer.from(info.getCurrentblockhash_asU8()) };
    },
    blockByNumber: (number) => call('GetBlockByNumber', String(number)),
    blockByTxId: (txId) => call('GetBlockByTxID', txId),
  };
}
