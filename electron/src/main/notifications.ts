import type { ApiEvent } from '../common/api';

// Which push events become a desktop notification, and what it says. By
// default a notification names the sender only: message text on a lock
// screen or a shared monitor is a leak, so previews are an explicit setting.

export interface NotificationSettings {
  /** Show the message text (text messages only); off by default. */
  readonly showPreviews: boolean;
}

export const DEFAULT_NOTIFICATION_SETTINGS: NotificationSettings = { showPreviews: false };

export interface NotificationContext {
  /** The user is looking at the app: nothing to notify. */
  readonly windowFocused: boolean;
  readonly settings: NotificationSettings;
}

export interface DesktopNotification {
  readonly title: string;
  readonly body: string;
  readonly conversationId: string;
}

export const PREVIEW_MAX_CHARS = 120;

/** `Org1MSP::alice` reads as `alice (Org1MSP)`; anything else is shown as is. */
export function senderLabel(userId: string): string {
  const at = userId.indexOf('::');
  return at > 0 ? `${userId.slice(at + 2)} (${userId.slice(0, at)})` : userId;
}

function preview(text: string): string {
  // One line, no control characters, bounded.
  // eslint-disable-next-line no-control-regex
  const flat = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return flat.length > PREVIEW_MAX_CHARS ? `${flat.slice(0, PREVIEW_MAX_CHARS - 1)}…` : flat;
}

/** The notification for an event, or null when none should be shown. */
export function notificationFor(event: ApiEvent, context: NotificationContext): DesktopNotification | null {
  if (event.type !== 'message') return null;
  const message = event.message;
  if (message.outgoing || context.windowFocused) return null;
  // An erased message (retention, deletion) is not news.
  if (message.state === 'erased' || message.state === 'failed') return null;
  const from = senderLabel(message.sender);
  const generic = `New message from ${from}`;
  const content = message.content;
  const body =
    context.settings.showPreviews && content?.type === 'text' && preview(content.text) !== ''
      ? `${from}: ${preview(content.text)}`
      : generic;
  return { title: 'KTalk', body, conversationId: message.conversationId };
}
