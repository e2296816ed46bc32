// The limits a person can run into, declared once: the argument schemas
// (api-args.ts) enforce them and the UI quotes them in its hints and errors.
// Neutral code: no Node and no DOM APIs here.

/** One file, shared on its own or attached to a message (the ledger's cap on a shared item). */
export const MAX_FILE_BYTES = 8 * 1024 * 1024;
/** All of one message's attachments: base64-encoded they still fit the web mode's 12 MiB request body. */
export const MAX_MESSAGE_FILES_BYTES = 8 * 1024 * 1024;
export const MAX_MESSAGE_FILES = 16;
export const MAX_MESSAGE_CHARS = 16_000;
/** A payment's, request's or escrow's note. */
export const MAX_MEMO_CHARS = 280;
