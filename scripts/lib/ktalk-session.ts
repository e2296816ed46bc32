import { CHAINCODE_NAME, CHANNEL } from '../../network/src/topology';
import type { GatewayConnection } from '../../electron/src/node/fabric/gateway';

// A small typed wrapper for driving KTalk contracts in tests and tools:
// JSON in, JSON out, and the chaincode's error code pulled out of the
// gateway's error details.

export type Transient = Record<string, Uint8Array>;

// One parser for the chaincode's `CODE: detail` errors, shared with the app.
export { chaincodeErrorCode, gatewayErrorText } from '../../electron/src/node/ledger/errors';

export class KTalkSession {
  constructor(readonly connection: GatewayConnection) {}

  private contract(name: string) {
    return this.connection.gateway.getNetwork(CHANNEL).getContract(CHAINCODE_NAME, name);
  }

  async submit<T = unknown>(
    contract: string,
    transaction: string,
    request: unknown,
    transient?: Transient,
  ): Promise<T> {
    const bytes = await this.contract(contract).submit(transaction, {
      arguments: [JSON.stringify(request)],
      ...(transient ? { transientData: transient } : {}),
    });
    return JSON.parse(Buffer.from(bytes).toString('utf8')) as T;
  }

  async evaluate<T = unknown>(contract: string, transaction: string, request: unknown): Promise<T> {
    const bytes = await this.contract(contract).evaluate(transaction, { arguments: [JSON.stringify(request)] });
    return JSON.parse(Buffer.from(bytes).toString('utf8')) as T;
  }

  close(): void {
    this.connection.close();
  }
}
