// The contacts area's own refusals: a contact with no keys to compare, or
// keys that changed since the safety number the person compared was shown.

export type ContactErrorCode = 'NOT_FOUND' | 'KEY_CHANGED';

export class ContactError extends Error {
  override readonly name = 'ContactError';

  constructor(
    readonly code: ContactErrorCode,
    message: string,
  ) {
    super(message);
  }
}
