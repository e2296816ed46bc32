import { type ComponentType, lazy } from 'react';
import type { MessageContent, MessageView } from '../../../electron/src/common/api';
import * as payments from '../features/payments';

// The pages and chat add-ons the other features export, imported statically
// so a renamed export is a compile error. Pages most users open rarely (and
// the compliance chart library) load on first use, keeping the first screen
// small; payments stays in the first load because every chat shows its cards.

export const SharingPage = lazy(() => import('../features/sharing').then((m) => ({ default: m.SharingPage })));
export const AdminPage = lazy(() => import('../features/admin').then((m) => ({ default: m.AdminPage })));
export const CompliancePage = lazy(() => import('../features/compliance').then((m) => ({ default: m.CompliancePage })));
export const PaymentsPage: ComponentType<object> = payments.PaymentsPage;

export interface PaymentComposerButtonProps {
  readonly conversationId: string;
  readonly peerUserIds: string[];
}
export const PaymentComposerButton: ComponentType<PaymentComposerButtonProps> = payments.PaymentComposerButton;

export interface PaymentMessageProps {
  readonly content: MessageContent;
  /** The message it came in (sender, direction, conversation), for actions like Pay. */
  readonly message?: MessageView;
}
export const PaymentMessage: ComponentType<PaymentMessageProps> = payments.PaymentMessage;
