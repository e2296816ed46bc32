// Payments service: balance, transfers, history, escrow, minting.
export {
  MAX_ESCROW_MS,
  MIN_ESCROW_MS,
  createEscrow,
  getBalance,
  getEscrow,
  mint,
  paymentHistory,
  sendPayment,
  settleEscrow,
} from './service';
export { EscrowKeeper, sessionEscrowLedger } from './escrow-keeper';
