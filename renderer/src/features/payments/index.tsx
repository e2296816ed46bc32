// Payments: balance, send/request, escrow, history; plus the two pieces the
// chat embeds (the composer's Pay button and payment messages).
import '../../components/ui/feature-page.css';
import './payments.css';

export { PaymentsPage } from './payments-page';
export { PaymentComposerButton, type PaymentComposerButtonProps } from './payment-composer-button';
export { PaymentMessage, type PaymentMessageProps } from './payment-message';
