// Which conversation is on screen, for the notifier (no notice for what the person is reading).
let active: string | undefined;
export const setActiveConversation = (id: string | undefined) => {
  active = id;
};
export const activeConversation = () => active;
