import { z } from 'zod';
import { API_METHODS, type ApiMethod, type KTalkApi, type Result } from './api';

// Argument schemas for every API method, shared by every transport (Electron
// IPC, local web mode) so there is exactly one validator per operation.
// Arguments travel positionally, as a JSON array.

export const API_ARGS = {
  networkStatus: z.tuple([]),
} as const satisfies Record<ApiMethod, z.ZodType<readonly unknown[]>>;

export type ApiArgs<M extends ApiMethod> = z.infer<(typeof API_ARGS)[M]>;

export type ParsedCall = { [M in ApiMethod]: { method: M; args: ApiArgs<M> } }[ApiMethod];

/** Validates raw arguments for a method; the error is the typed BAD_INPUT every transport returns. */
export function parseApiArgs(method: ApiMethod, raw: unknown): Result<ParsedCall> {
  const parsed = API_ARGS[method].safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` (argument ${issue.path.map(String).join('.')})` : '';
    return {
      ok: false,
      error: { code: 'BAD_INPUT', message: `${method}: ${issue?.message ?? 'invalid arguments'}${where}` },
    };
  }
  return { ok: true, value: { method, args: parsed.data } as ParsedCall };
}

/** Calls the implementation with already validated arguments. */
export function dispatchApi(api: KTalkApi, call: ParsedCall): Promise<Result<unknown>> {
  switch (call.method) {
    case 'networkStatus':
      return api.networkStatus();
    default: {
      const unreachable: never = call.method;
      throw new Error(`unknown method ${String(unreachable)}`);
    }
  }
}

const METHOD_NAMES: ReadonlySet<string> = new Set(API_METHODS);

/** True for a declared operation (not for inherited names such as "constructor"). */
export function isApiMethod(name: string): name is ApiMethod {
  return METHOD_NAMES.has(name);
}
