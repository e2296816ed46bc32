import { PaymentComposerButton, PaymentMessage } from '../features/payments';
import type { ChatAddons, CreateGroupDialogProps, GroupDetailsPaneProps } from '../lib/chat-addons';
import { onFirstUse } from '../lib/on-first-use';
import { lazyDialog, lazyPage, lazyPane } from './lazy-parts';

// The pages and chat add-ons the features export, imported by static paths
// so a renamed export is a compile error. Only the first screen's parts are
// in the first download: every page but chats loads on first visit (with its
// strings), the group dialog and pane once the chat is up (chats preloads
// them); the payment card and Pay button stay because chats show them.

export const SharingPage = lazyPage(() => import('../features/sharing').then((m) => m.SharingPage), 'sharing');
export const AdminPage = lazyPage(() => import('../features/admin').then((m) => m.AdminPage), 'admin');
export const CompliancePage = lazyPage(
  () => import('../features/compliance').then((m) => m.CompliancePage),
  'compliance',
);
export const SettingsPage = lazyPage(() => import('../features/settings').then((m) => m.SettingsPage), 'settings');
export const PaymentsPage = lazyPage(() => import('../features/payments/page').then((m) => m.PaymentsPage));

const createGroupDialog = onFirstUse<CreateGroupDialogProps>(
  async () => (await import('../features/groups')).CreateGroupDialog,
);
const groupDetailsPane = onFirstUse<GroupDetailsPaneProps>(
  async () => (await import('../features/groups')).GroupDetailsPane,
);

/** What the chats feature shows from other features. */
export const CHAT_ADDONS: ChatAddons = {
  PaymentComposerButton,
  PaymentMessage,
  CreateGroupDialog: lazyDialog(createGroupDialog),
  GroupDetailsPane: lazyPane(groupDetailsPane),
  preload: () => {
    createGroupDialog.preload();
    groupDetailsPane.preload();
  },
};
