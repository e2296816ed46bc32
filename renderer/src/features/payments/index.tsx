// The two pieces of payments the chat embeds (the composer's Pay button and
// payment messages); the page itself (balance, send/request, escrow, history)
// is page.ts, loaded on first visit.
import '../../components/ui/feature-page.css';
import './payments.css';

export { PaymentComposerButton, type PaymentComposerButtonProps } from './payment-composer-button';
export { PaymentMessage, type PaymentMessageProps } from './payment-message';
