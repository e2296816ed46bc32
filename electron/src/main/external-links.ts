// Links the page cannot follow inside the app (every navigation and new
// window is denied) may open in the user's browser or mail client. The rule
// lives in common/link-policy.ts, because links inside messages are checked
// by the same one before the renderer offers to open them.

export { EXTERNAL_PROTOCOLS, type ExternalLinkDecision, externalLinkDecision } from '../common/link-policy';
