import { PaymentComposerButton, PaymentMessage } from '../features/payments';
import type { ChatAddons } from '../lib/chat-addons';
import { lazyDialog, lazyPage, lazyPane } from './lazy-parts';

// The pages and chat add-ons the features export, imported by static paths
// so a renamed export is a compile error. Only the first screen's parts are
// in the first download: every page but chats loads on first visit (with its
// strings), the group dialogs when first opened; the payment card and Pay
// button stay because chats show them.

export const SharingPage = lazyPage(() => import('../features/sharing').then((m) => m.SharingPage), 'sharing');
export const AdminPage = lazyPage(() => import('../features/admin').then((m) => m.AdminPage), 'admin');
export const CompliancePage = lazyPage(
  () => import('../features/compliance').then((m) => m.CompliancePage),
  'compliance',
);
export const SettingsPage = lazyPage(() => import('../features/settings').then((m) => m.SettingsPage), 'settings');
export const PaymentsPage = lazyPage(() => import('../features/payments/page').then((m) => m.PaymentsPage));

/** What the chats feature shows from other features. */
export const CHAT_ADDONS: ChatAddons = {
  PaymentComposerButton,
  PaymentMessage,
  CreateGroupDialog: lazyDialog(() => import('../features/groups').then((m) => m.CreateGroupDialog)),
  GroupDetailsPane: lazyPane(() => import('../features/groups').then((m) => m.GroupDetailsPane)),
};
