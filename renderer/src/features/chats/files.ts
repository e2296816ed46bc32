import { MAX_FILE_BYTES, MAX_MESSAGE_FILES, MAX_MESSAGE_FILES_BYTES } from '../../../../electron/src/common/limits';
import type { AttachmentUpload, FileData } from '../../../../electron/src/common/api';

// Files in and out of the chat: read as base64 for the API, saved through
// a temporary blob URL (nothing leaves the page).

// The API's limits, declared once in electron/src/common/limits.ts (the same
// file limit as sharing), checked here first so the person hears it at once.
export { MAX_FILE_BYTES };
export const MAX_FILES = MAX_MESSAGE_FILES;
export const MAX_ATTACHMENT_BYTES = MAX_MESSAGE_FILES_BYTES;

/** Which limit a set of files breaks, if any. */
export function attachmentProblem(
  files: readonly { size: number }[],
): 'fileTooLarge' | 'tooManyFiles' | 'attachmentsTooLarge' | null {
  if (files.some((f) => f.size > MAX_FILE_BYTES)) return 'fileTooLarge';
  if (files.length > MAX_FILES) return 'tooManyFiles';
  if (files.reduce((sum, f) => sum + f.size, 0) > MAX_ATTACHMENT_BYTES) return 'attachmentsTooLarge';
  return null;
}

/** The app's one size formatter. */
export { formatBytes } from '../../lib/format';

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) {
    binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  }
  return btoa(binary);
}

function readBytes(file: Blob): Promise<Uint8Array> {
  // FileReader works in every browser and in jsdom (Blob.arrayBuffer is missing in some test DOMs).
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(new Uint8Array(reader.result as ArrayBuffer));
    reader.onerror = () => reject(reader.error ?? new Error('read failed'));
    reader.readAsArrayBuffer(file);
  });
}

export async function toUpload(file: File): Promise<AttachmentUpload> {
  return {
    name: file.name,
    mimeType: file.type || 'application/octet-stream',
    dataBase64: toBase64(await readBytes(file)),
  };
}

export function downloadFile(file: FileData): void {
  const binary = atob(file.dataBase64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  const url = URL.createObjectURL(new Blob([bytes], { type: file.mimeType }));
  const link = document.createElement('a');
  link.href = url;
  link.download = file.name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
