import {
  type ContractName,
  type ParsedRequestOf,
  TRANSACTIONS,
  type TransactionName,
  type TransactionSpec,
} from '@ktalk/protocol';
import type { z } from 'zod';
import { ChaincodeError, badInput } from './errors';
import { LIMITS } from './limits';

/** Keys that name JavaScript object internals; no KTalk request uses them. */
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

// Every transaction takes one JSON argument; nothing in it is trusted until
// the transaction's schema accepts it.
export function parseRequest<T>(schema: z.ZodType<T>, raw: unknown): T {
  if (typeof raw !== 'string') throw badInput('request must be a JSON string');
  if (Buffer.byteLength(raw, 'utf8') > LIMITS.argumentBytes) {
    throw new ChaincodeError('TOO_LARGE', `request exceeds ${LIMITS.argumentBytes} bytes`);
  }
  let json: unknown;
  const reserved: string[] = [];
  try {
    json = JSON.parse(raw, (k: string, v: unknown) => {
      if (RESERVED_KEYS.has(k)) reserved.push(k);
      return v;
    });
  } catch {
    throw badInput('request is not valid JSON');
  }
  // zod's record parsing drops a "__proto__" key silently (it lands on the
  // prototype), so a map like wrappedKeys could lose an entry unseen: refuse.
  if (reserved.length > 0) throw badInput(`request must not contain the key "${reserved[0]}"`);
  const result = schema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue && issue.path.length > 0 ? issue.path.join('.') : 'request';
    throw badInput(`${where}: ${issue?.message ?? 'invalid'}`);
  }
  return result.data;
}

/** The protocol's request schema of `contract.name` (the very object the client's calls are typed from). */
export function requestSchema<C extends ContractName>(contract: C, name: TransactionName<C>): z.ZodType {
  return (TRANSACTIONS[contract][name] as TransactionSpec).request;
}

/** `raw` validated against the protocol's request schema of `contract.name`. */
export function parseTransactionRequest<C extends ContractName, T extends TransactionName<C>>(
  contract: C,
  name: T,
  raw: unknown,
): ParsedRequestOf<C, T> {
  return parseRequest(requestSchema(contract, name), raw) as ParsedRequestOf<C, T>;
}
