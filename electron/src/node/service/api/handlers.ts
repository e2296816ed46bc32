import type { ApiInput, ApiMethod, ApiOutput } from '../../../common/api';

// The shape of one API area: each named method takes the API's input and
// answers its output, throwing its module's typed error on failure
// (app-service.ts turns every throw into a Result). An area declared with
// `satisfies Handlers<…>` fails to compile when a method is missing, extra
// or typed differently from KTalkApi.

export type Handlers<M extends ApiMethod> = {
  readonly [K in M]: (input: ApiInput<K>) => Promise<ApiOutput<K>>;
};
