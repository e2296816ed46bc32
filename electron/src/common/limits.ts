// The limits a person can run into, declared once: the argument schemas
// (api-args.ts) enforce them and the UI quotes them in its hints and errors.
// Neutral code: no Node and no DOM APIs here. The ledger's own bounds come
// from the protocol (@ktalk/protocol/limits, zod-free).

import { DEFAULT_LIMITS, MAX_ATTACHMENTS } from '@ktalk/protocol/limits';

/** One file, shared on its own or attached to a message (the ledger's cap on a shared item). */
export const MAX_FILE_BYTES = DEFAULT_LIMITS.itemPayloadBytes;
/** All of one message's attachments: base64-encoded they still fit the web mode's 12 MiB request body. */
export const MAX_MESSAGE_FILES_BYTES = 8 * 1024 * 1024;
export const MAX_MESSAGE_FILES = MAX_ATTACHMENTS;
export const MAX_MESSAGE_CHARS = 16_000;
/** A payment's, request's or escrow's note. */
export { MAX_MEMO_CHARS, MAX_RETENTION_SECONDS } from '@ktalk/protocol/limits';
