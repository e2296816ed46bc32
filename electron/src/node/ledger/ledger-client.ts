import type { Contract, Proposal } from '@hyperledger/fabric-gateway';
import {
  type ContractName,
  type EvaluateName,
  type RequestOf,
  type ResponseOf,
  type SubmitName,
  type TransactionName,
  transaction as transactionSpec,
} from '@ktalk/protocol';
import type { z } from 'zod';
import type { ConnectionProfile } from '../../common/connection-profile';
import type { GatewayConnection } from '../fabric/gateway';
import { type BackoffPolicy, DEFAULT_SUBMIT_BACKOFF, backoffDelay, sleep } from './backoff';
import { classifyEndorseError } from './classify';
import { LedgerError, gatewayErrorText } from './errors';
import { type Committed, type SubmitOptions, submitWithRetry } from './submit';

// The client's door to KTalk's contracts over one gateway connection (one
// gRPC connection per profile, deadlines from fabric/gateway.ts): JSON
// requests in, transient payloads kept off the proposal's public part,
// failures as LedgerError. Calls are typed from the protocol's transaction
// map (@ktalk/protocol transactions.ts): a wrong contract or transaction
// name, request shape or answer type is a compile error, and answers are
// parsed with the map's response schema.

export type Transient = Record<string, Uint8Array>;

export interface LedgerClient {
  /** Submits `contract.transaction(request)` with retries (see submit.ts); read its answer with `submitted`. */
  submit<C extends ContractName, T extends SubmitName<C>>(
    contract: C,
    transaction: T,
    request: RequestOf<C, T>,
    transient?: Transient,
  ): Promise<Committed>;
  /** Same, for a proposal built by the caller (e.g. a request that embeds its own transaction id). */
  submitProposal(
    contract: ContractName,
    build: (contract: Contract) => Proposal,
    hooks?: Pick<SubmitOptions, 'onEndorsed'>,
  ): Promise<Committed>;
  /** Evaluates and validates the JSON answer against the map's response schema; transient failures are retried, it writes nothing. */
  evaluate<C extends ContractName, T extends EvaluateName<C>>(
    contract: C,
    transaction: T,
    request: RequestOf<C, T>,
  ): Promise<ResponseOf<C, T>>;
}

/** A committed transaction's answer, parsed with the map's response schema (BAD_RESPONSE otherwise). */
export function submitted<C extends ContractName, T extends TransactionName<C>>(
  contract: C,
  transaction: T,
  committed: Pick<Committed, 'result'>,
): ResponseOf<C, T> {
  const schema = transactionSpec(contract, transaction).response as z.ZodType<ResponseOf<C, T>>;
  return parseAnswer(committed.result, schema, `${contract}.${transaction}`);
}

/** The map's response schema of `contract.transaction`. */
export function responseSchema<C extends ContractName, T extends TransactionName<C>>(
  contract: C,
  transaction: T,
): z.ZodType<ResponseOf<C, T>> {
  return transactionSpec(contract, transaction).response as z.ZodType<ResponseOf<C, T>>;
}

export interface LedgerClientOptions extends SubmitOptions {
  readonly evaluateBackoff?: BackoffPolicy;
}

/** Parses a transaction's JSON answer against `schema` (BAD_RESPONSE otherwise). */
export function parseAnswer<T>(bytes: Uint8Array, schema: z.ZodType<T>, what: string): T {
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    throw new LedgerError('BAD_RESPONSE', `${what}: the answer is not JSON`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success)
    throw new LedgerError('BAD_RESPONSE', `${what}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}

export function ledgerClient(
  connection: GatewayConnection,
  profile: ConnectionProfile,
  options: LedgerClientOptions = {},
): LedgerClient {
  const network = connection.gateway.getNetwork(profile.channel);
  const contractOf = (name: ContractName) => network.getContract(profile.chaincode, name);
  const evaluateBackoff = options.evaluateBackoff ?? DEFAULT_SUBMIT_BACKOFF;

  return {
    submit: (contract, transaction, request, transient) =>
      submitWithRetry(
        () =>
          contractOf(contract).newProposal(transaction, {
            arguments: [JSON.stringify(request)],
            ...(transient ? { transientData: transient } : {}),
          }),
        options,
      ),
    submitProposal: (contract, build, hooks) =>
      submitWithRetry(() => build(contractOf(contract)), { ...options, ...hooks }),
    async evaluate(contract, transaction, request) {
      const what = `${contract}.${transaction}`;
      const schema = responseSchema(contract, transaction);
      for (let attempt = 1; ; attempt++) {
        try {
          const bytes = await contractOf(contract).evaluate(transaction, { arguments: [JSON.stringify(request)] });
          return parseAnswer(bytes, schema, what);
        } catch (error) {
          if (error instanceof LedgerError) throw error;
          const verdict = classifyEndorseError(error);
          const text = `${what}: ${gatewayErrorText(error)}`;
          if (verdict.kind === 'refused')
            throw new LedgerError(verdict.code, text, { attempts: attempt, cause: error });
          if (verdict.kind === 'denied')
            throw new LedgerError('ACCESS_DENIED', text, { attempts: attempt, cause: error });
          if (verdict.kind === 'fatal' || attempt >= evaluateBackoff.maxAttempts) {
            throw new LedgerError(verdict.kind === 'fatal' ? 'FAILED' : 'UNAVAILABLE', text, {
              attempts: attempt,
              cause: error,
            });
          }
          await (options.sleep ?? sleep)(backoffDelay(attempt, evaluateBackoff));
        }
      }
    },
  };
}
