import { useApiEvent, useSession } from '../api/context';
import { useSettings } from '../lib/settings';

// Desktop notifications in the browser (web mode). In Electron the main
// process shows them, so the page stays quiet there. Only the sender is
// named: message text never leaves the window.

export function useMessageNotifications(
  activeConversationId: () => string | undefined,
  title: (sender: string) => string,
) {
  const { settings } = useSettings();
  const session = useSession();
  useApiEvent('message', ({ message }) => {
    if (!settings.notifications || message.outgoing || message.sender === session.account?.userId) return;
    if (typeof window === 'undefined' || window.ktalkBridge || typeof Notification === 'undefined') return;
    if (Notification.permission !== 'granted') return;
    if (document.hasFocus() && message.conversationId === activeConversationId()) return;
    new Notification(title(message.sender), { tag: message.conversationId, silent: false });
  });
}
