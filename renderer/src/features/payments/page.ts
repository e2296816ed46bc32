// The payments page alone: the shell loads it on first visit, while the
// chat's card and Pay button (index.tsx) stay in the first screen.
export { PaymentsPage } from './payments-page';
