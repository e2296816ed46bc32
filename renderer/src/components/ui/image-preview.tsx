import { useEffect, useState } from 'react';
import type { FileData } from '../../../../electron/src/common/api';
import { base64ToBytes } from './download';

// An image shown from bytes already decrypted in this app, through a blob:
// URL that lives as long as the preview (the CSP allows blob: images and
// nothing remote). Raster formats only: an SVG can carry scripts and links.

const PREVIEWABLE = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

export function isPreviewableImage(mimeType: string): boolean {
  return PREVIEWABLE.has(mimeType.toLowerCase());
}

export function ImagePreview({ file }: { readonly file: FileData }) {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    const made = URL.createObjectURL(new Blob([base64ToBytes(file.dataBase64)], { type: file.mimeType }));
    setUrl(made);
    return () => URL.revokeObjectURL(made);
  }, [file]);
  if (!url || !isPreviewableImage(file.mimeType)) return null;
  return (
    <figure className="image-preview" data-testid="image-preview">
      <img src={url} alt={file.name} />
      <figcaption className="muted">{file.name}</figcaption>
    </figure>
  );
}
