import { chatsCases } from './cases-chats';
import { paymentsErrorsCases } from './cases-payments-errors';
import { sessionCases } from './cases-session';
import { settingsCases } from './cases-settings';
import type { ConformanceCase } from './target';

// Every conformance case, by area. Add one import and one spread per area file.
export const ALL_CASES: readonly ConformanceCase[] = [
  ...sessionCases,
  ...settingsCases,
  ...chatsCases,
  ...paymentsErrorsCases,
];
