import { type ComponentType, type ReactNode, createContext, useContext } from 'react';
import type { ConversationSummary, GroupDetails, MessageContent, MessageView } from '../../../electron/src/common/api';

// Parts of a chat that other features own (the Pay button and payment cards,
// the group dialogs). The app hands them to the chats feature through this
// context, so features never import each other and each can be split or
// replaced on its own.

export interface PaymentComposerButtonProps {
  readonly conversationId: string;
  readonly peerUserIds: string[];
}

export interface PaymentMessageProps {
  readonly content: MessageContent;
  /** The message it came in (sender, direction, conversation), for actions like Pay. */
  readonly message?: MessageView;
}

export interface CreateGroupDialogProps {
  readonly open: boolean;
  readonly onOpenChange: (open: boolean) => void;
  readonly onCreated: (conversation: ConversationSummary) => void;
}

export interface GroupDetailsPaneProps {
  readonly details: GroupDetails;
  readonly onChanged: (details: GroupDetails) => void;
  readonly onLeft: () => void;
  readonly onClose: () => void;
}

export interface ChatAddons {
  readonly PaymentComposerButton: ComponentType<PaymentComposerButtonProps>;
  readonly PaymentMessage: ComponentType<PaymentMessageProps>;
  readonly CreateGroupDialog: ComponentType<CreateGroupDialogProps>;
  readonly GroupDetailsPane: ComponentType<GroupDetailsPaneProps>;
  /** Starts fetching the add-ons kept out of the first download; chats calls it once the chat is up. */
  readonly preload?: () => void;
}

const ChatAddonsContext = createContext<ChatAddons | undefined>(undefined);

export function ChatAddonsProvider({
  addons,
  children,
}: {
  readonly addons: ChatAddons;
  readonly children: ReactNode;
}) {
  return <ChatAddonsContext.Provider value={addons}>{children}</ChatAddonsContext.Provider>;
}

export function useChatAddons(): ChatAddons {
  const addons = useContext(ChatAddonsContext);
  if (!addons) throw new Error('useChatAddons needs a ChatAddonsProvider (the app mounts one in Root)');
  return addons;
}
