import { type ComponentType, lazy } from 'react';
import * as groups from '../features/groups';
import * as payments from '../features/payments';
import type { ChatAddons } from '../lib/chat-addons';

// The pages and chat add-ons the features export, imported statically so a
// renamed export is a compile error. Pages most users open rarely (and the
// compliance chart library) load on first use, keeping the first screen
// small; payments stays in the first load because every chat shows its cards.

export const SharingPage = lazy(() => import('../features/sharing').then((m) => ({ default: m.SharingPage })));
export const AdminPage = lazy(() => import('../features/admin').then((m) => ({ default: m.AdminPage })));
export const CompliancePage = lazy(() => import('../features/compliance').then((m) => ({ default: m.CompliancePage })));
export const PaymentsPage: ComponentType<object> = payments.PaymentsPage;

/** What the chats feature shows from other features. */
export const CHAT_ADDONS: ChatAddons = {
  PaymentComposerButton: payments.PaymentComposerButton,
  PaymentMessage: payments.PaymentMessage,
  CreateGroupDialog: groups.CreateGroupDialog,
  GroupDetailsPane: groups.GroupDetailsPane,
};
