import { API_METHODS, type KTalkApi } from '../../src/common/api';

/** A KTalkApi for transport tests: the given methods, every other one answers INTERNAL "not stubbed". */
export function stubApi(methods: Partial<KTalkApi>): KTalkApi {
  const api = {} as Record<string, unknown>;
  for (const method of API_METHODS) {
    api[method] =
      methods[method] ??
      (async () => ({ ok: false, error: { code: 'INTERNAL', message: `${method} is not stubbed in this test` } }));
  }
  return api as unknown as KTalkApi;
}
