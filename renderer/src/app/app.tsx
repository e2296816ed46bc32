import * as DropdownMenu from '@radix-ui/react-dropdown-menu';
import { Suspense, useState, type ComponentType } from 'react';
import { useTranslation } from 'react-i18next';
import type { Role } from '../../../electron/src/common/api';
import { useApi, useApiEvent, useReachability, useRefreshSession, useSession } from '../api/context';
import { Avatar, Badge, Spinner, useToast } from '../components/ui';
import { ChatsPage } from '../features/chats';
import { OnboardingPage } from '../features/onboarding';
import { AdminPage, CompliancePage, PaymentsPage, SettingsPage, SharingPage } from './feature-pages';
import { activeConversation } from '../lib/active-conversation';
import { Icon, type IconName } from '../components/ui/icons';
import { KeyAlarmBanner } from './key-alarm-banner';
import { useMessageNotifications } from './notifications';
import { displayName } from '../lib/names';

export type Section = 'chats' | 'sharing' | 'payments' | 'admin' | 'compliance' | 'settings';

interface NavItem {
  readonly id: Section;
  readonly icon: IconName;
  readonly page: ComponentType<object>;
  /** Shown only to this role (the chaincode refuses the others anyway). */
  readonly role?: Role;
}

const NAV: readonly NavItem[] = [
  { id: 'chats', icon: 'chats', page: ChatsPage },
  { id: 'sharing', icon: 'sharing', page: SharingPage },
  { id: 'payments', icon: 'payments', page: PaymentsPage },
  { id: 'admin', icon: 'admin', page: AdminPage, role: 'admin' },
  { id: 'compliance', icon: 'compliance', page: CompliancePage, role: 'compliance' },
  { id: 'settings', icon: 'settings', page: SettingsPage },
];

/** The sections a role sees in the navigation rail. */
export function visibleSections(role: Role | undefined): Section[] {
  return NAV.filter((item) => !item.role || item.role === role).map((item) => item.id);
}

function SyncBadge() {
  const { t } = useTranslation('app');
  const { sync } = useSession();
  // With the app's own service gone, the last sync state it reported is no longer true.
  if (useReachability() === 'unreachable') {
    return (
      <Badge tone="danger" className="sync-badge" aria-live="polite">
        {t('sync.unreachable')}
      </Badge>
    );
  }
  const tone = sync === 'connected' ? 'success' : sync === 'offline' || sync === 'revoked' ? 'danger' : 'warning';
  return (
    <Badge tone={tone} className="sync-badge" aria-live="polite">
      {t(`sync.${sync}`)}
    </Badge>
  );
}

/** Says plainly that nothing works while the local service is gone (web mode: its server was stopped). */
function UnreachableBanner() {
  const { t } = useTranslation('app');
  if (useReachability() !== 'unreachable') return null;
  return (
    <div className="banner banner-danger unreachable-banner" role="alert">
      {t('serviceUnreachable')}
    </div>
  );
}

function AccountMenu() {
  const { t } = useTranslation('app');
  const api = useApi();
  const session = useSession();
  const refresh = useRefreshSession();
  const account = session.account;
  if (!account) return null;
  const signOut = async () => {
    await api.signOut();
    await refresh();
  };
  return (
    <DropdownMenu.Root modal={false}>
      <DropdownMenu.Trigger className="rail-account" aria-label={t('accountMenu')}>
        <Avatar name={account.enrollmentId} />
      </DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content className="menu" side="right" align="end" sideOffset={8}>
          <DropdownMenu.Label className="menu-label">
            <strong>{displayName(account.userId)}</strong>
            <span className="muted">
              {t(`roles.${account.role}`)} · {account.profile}
            </span>
          </DropdownMenu.Label>
          <DropdownMenu.Separator className="menu-separator" />
          {session.accounts.length > 1 ? (
            <DropdownMenu.Item className="menu-item" onSelect={() => void signOut()}>
              {t('switchAccount')}
            </DropdownMenu.Item>
          ) : null}
          <DropdownMenu.Item className="menu-item" onSelect={() => void signOut()}>
            {t('signOut')}
          </DropdownMenu.Item>
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  );
}

function Shell() {
  const { t } = useTranslation('app');
  const session = useSession();
  const [section, setSection] = useState<Section>('chats');
  useMessageNotifications(
    () => (section === 'chats' ? activeConversation() : undefined),
    (sender) => t('newMessageFrom', { name: displayName(sender) }),
  );
  // A list the person relies on that failed to grow is said out loud, never dropped.
  const toast = useToast();
  useApiEvent('storeFailed', (event) => toast({ tone: 'danger', title: t('storeFailed'), body: event.message }));
  const items = NAV.filter((item) => !item.role || item.role === session.account?.role);
  const current = items.find((item) => item.id === section) ?? items[0];
  const Page = current?.page;
  return (
    <div className="shell">
      <nav className="rail" aria-label={t('navigation')}>
        <div className="rail-logo" aria-hidden="true">
          K
        </div>
        {items.map((item) => (
          <button
            key={item.id}
            type="button"
            className="rail-item"
            aria-current={item.id === current?.id ? 'page' : undefined}
            onClick={() => setSection(item.id)}
            data-section={item.id}
          >
            <Icon name={item.icon} />
            <span className="rail-label">{t(`nav.${item.id}`)}</span>
          </button>
        ))}
        <div className="spacer" />
        <SyncBadge />
        <AccountMenu />
      </nav>
      <main className="content" aria-label={current ? t(`nav.${current.id}`) : undefined}>
        <UnreachableBanner />
        <KeyAlarmBanner />
        {/* Pages split into their own chunk show a spinner while it loads. */}
        <Suspense
          fallback={
            <div className="page-loading">
              <Spinner />
            </div>
          }
        >
          <div className="content-page">{Page ? <Page /> : null}</div>
        </Suspense>
      </main>
    </div>
  );
}

export function App() {
  const session = useSession();
  return session.state === 'signed-in' && session.account ? <Shell /> : <OnboardingPage />;
}
