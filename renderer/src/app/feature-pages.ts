import type { ComponentType } from 'react';
import type { MessageContent, MessageView } from '../../../electron/src/common/api';

// The pages and chat add-ons the other features export. Looked up by name
// so the shell builds while a feature is still being written; a missing
// page shows a notice instead of breaking the app.

type Module = Record<string, unknown>;

const modules = import.meta.glob<Module>(
  [
    '../features/sharing/index.tsx',
    '../features/payments/index.tsx',
    '../features/admin/index.tsx',
    '../features/compliance/index.tsx',
  ],
  { eager: true },
);

function pick<P>(feature: string, name: string): ComponentType<P> | undefined {
  const module = modules[`../features/${feature}/index.tsx`];
  const candidate = module?.[name];
  return typeof candidate === 'function' ? (candidate as ComponentType<P>) : undefined;
}

export const SharingPage = pick<object>('sharing', 'SharingPage');
export const PaymentsPage = pick<object>('payments', 'PaymentsPage');
export const AdminPage = pick<object>('admin', 'AdminPage');
export const CompliancePage = pick<object>('compliance', 'CompliancePage');

export interface PaymentComposerButtonProps {
  readonly conversationId: string;
  readonly peerUserIds: string[];
}
export const PaymentComposerButton = pick<PaymentComposerButtonProps>('payments', 'PaymentComposerButton');

export interface PaymentMessageProps {
  readonly content: MessageContent;
  /** The message it came in (sender, direction, conversation), for actions like Pay. */
  readonly message?: MessageView;
}
export const PaymentMessage = pick<PaymentMessageProps>('payments', 'PaymentMessage');
