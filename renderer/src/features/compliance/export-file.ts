import type { AuditExport } from '../../../../electron/src/common/api';

// Names and types for an export download. The name comes from the API but
// is still sanitised here: it becomes a file on the user's disk.

export const EXPORT_MIME: Record<AuditExport['format'], string> = {
  csv: 'text/csv;charset=utf-8',
  json: 'application/json',
};

function stamp(time: number): string {
  const d = new Date(time);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}${pad(d.getMonth() + 1)}${pad(d.getDate())}-${pad(d.getHours())}${pad(d.getMinutes())}`;
}

export function exportFileName(exported: Pick<AuditExport, 'fileName' | 'format'>, now: number): string {
  const extension = `.${exported.format}`;
  const base = (exported.fileName.split(/[\\/]/).pop() ?? '')
    .replace(/[^A-Za-z0-9._-]/g, '_')
    .replace(/^[._]+/, '')
    .slice(0, 120);
  const stem = base.toLowerCase().endsWith(extension) ? base.slice(0, -extension.length) : base;
  return `${stem.replace(/[._-]+$/, '') || `ktalk-audit-${stamp(now)}`}${extension}`;
}
