import type { KTalkContext } from './context';
import { ChaincodeError, badInput } from './errors';

/**
 * A required transient field's bytes. Secrets that must stay erasable or
 * confidential (wrapped keys, payloads) travel here: the transient map is
 * never part of the transaction that lands in a block, so the only copy the
 * network keeps is the private data it is written to.
 */
export function transientBytes(ctx: KTalkContext, field: string, maxBytes: number): Buffer {
  const raw = ctx.stub.getTransient().get(field);
  if (!raw || raw.length === 0) throw badInput(`transient field '${field}' is required`);
  if (raw.length > maxBytes) throw new ChaincodeError('TOO_LARGE', `transient '${field}' exceeds ${maxBytes} bytes`);
  return Buffer.from(raw);
}
