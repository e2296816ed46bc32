import { CHAINCODE_NAME, CHANNEL } from '../../network/src/topology';
import type { GatewayConnection } from '../../electron/src/node/fabric/gateway';

// A small typed wrapper for driving KTalk contracts in tests and tools:
// JSON in, JSON out, and the chaincode's error code pulled out of the
// gateway's error details.

export type Transient = Record<string, Uint8Array>;

const CODE =
  /\b(BAD_INPUT|TOO_LARGE|NOT_FOUND|FORBIDDEN|DISABLED|CONFLICT|STALE_EPOCH|EXPIRED|INSUFFICIENT_FUNDS|LIMIT_EXCEEDED):/;

function gatewayErrorTexts(error: unknown): string[] {
  const texts: string[] = [];
  if (error instanceof Error) texts.push(error.message);
  const details = (error as { details?: Array<{ message?: unknown }> } | null)?.details;
  if (Array.isArray(details)) for (const d of details) if (typeof d.message === 'string') texts.push(d.message);
  return texts;
}

/** A gateway error's message with the peers' own reasons (its details) appended. */
export function gatewayErrorText(error: unknown): string {
  return gatewayErrorTexts(error).join(' | ');
}

/** The chaincode error code carried by a gateway error, or null. */
export function chaincodeErrorCode(error: unknown): string | null {
  for (const text of gatewayErrorTexts(error)) {
    const match = CODE.exec(text);
    if (match?.[1]) return match[1];
  }
  return null;
}

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
