// Initials on a colour derived from the name: no images, nothing remote.
function hue(text: string): number {
  let h = 0;
  for (let i = 0; i < text.length; i++) h = (h * 31 + text.charCodeAt(i)) % 360;
  return h;
}
const HUES = 8;

export function Avatar({ name, size = 'md' }: { readonly name: string; readonly size?: 'sm' | 'md' | 'lg' }) {
  const initials =
    name
      .split(/[\s._-]+/)
      .filter(Boolean)
      .slice(0, 2)
      .map((part) => [...part].find((ch) => /[\p{L}\p{N}]/u.test(ch))?.toUpperCase() ?? '')
      .join('') || '?';
  return (
    <span className={`avatar avatar-${size} avatar-hue-${hue(name) % HUES}`} aria-hidden="true">
      {initials}
    </span>
  );
}
