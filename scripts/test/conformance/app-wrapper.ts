import type {
  ApiErrorCode,
  ApiEvent,
  ApiMethod,
  ApiOutput,
  KTalkApi,
  KTalkEvents,
  Result,
} from '../../../electron/src/common/api';
import { dispatchApi, parseApiArgs } from '../../../electron/src/common/api-args';
import type { ConformanceApp, DevUser } from './target';

// The ConformanceApp both targets hand out: calls go through the same
// schema check the transports run, so a case sees what the UI would see.

export interface Waiting {
  /** Resolves when it is worth probing again (the fake: at once; the real service: a short pause). */
  next(): Promise<void>;
  /** How many probes before giving up. */
  readonly attempts: number;
}

export function wrapApp(
  label: string,
  api: KTalkApi & KTalkEvents,
  waiting: Waiting,
  user?: DevUser,
): ConformanceApp & { readonly unsubscribe: () => void } {
  const events: ApiEvent[] = [];
  const unsubscribe = api.subscribe((event) => events.push(event));
  const result = async <M extends ApiMethod>(method: M, input?: unknown): Promise<Result<ApiOutput<M>>> => {
    const parsed = parseApiArgs(method, input === undefined ? [] : [input]);
    if (!parsed.ok) return parsed;
    return (await dispatchApi(api, parsed.value)) as Result<ApiOutput<M>>;
  };
  return {
    label,
    user,
    api,
    events,
    unsubscribe,
    result,
    async call(method, input) {
      const answer = await result(method, input);
      if (!answer.ok) throw new Error(`${label} ${method}: refused ${answer.error.code} (${answer.error.message})`);
      return answer.value;
    },
    async refused(method, input): Promise<ApiErrorCode> {
      const answer = await result(method, input);
      if (answer.ok) throw new Error(`${label} ${method} was accepted; a refusal was expected`);
      return answer.error.code;
    },
    async eventually(what, probe) {
      for (let attempt = 0; attempt < waiting.attempts; attempt++) {
        const value = await probe();
        if (value !== undefined) return value;
        await waiting.next();
      }
      throw new Error(`${label}: never saw ${what}`);
    },
  };
}
