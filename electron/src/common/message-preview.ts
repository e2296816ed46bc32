import { markdownToPlainText } from './markdown';

// The one-line preview of a message, the same in the service's conversation
// list, the renderer's live updates and the fake API: its text as a reader
// sees it (without Markdown markers), or for a message that carries only
// files, language-neutral, a paper clip and the file names.

const MAX_PREVIEW = 120;
/** How a files-only preview begins (the renderer shows its icon instead). */
export const ATTACHMENT_MARK = '📎 ';

/** "📎 agenda.txt, plan.pdf" for a message with files and no text; '' without files. */
export function attachmentPreview(names: readonly string[]): string {
  return names.length === 0 ? '' : `${ATTACHMENT_MARK}${names.join(', ')}`.slice(0, MAX_PREVIEW);
}

/** The text's preview (markers removed), or the files' when there is no text. */
export function textPreview(text: string, attachmentNames: readonly string[]): string {
  const plain = text.trim() ? markdownToPlainText(text).trim() : '';
  return plain ? plain.slice(0, MAX_PREVIEW) : attachmentPreview(attachmentNames);
}
