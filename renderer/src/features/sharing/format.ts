// The app's one size and time formatters (renderer/src/lib/format.ts).
export { formatBytes, formatTime } from '../../lib/format';
