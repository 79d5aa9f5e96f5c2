// Human-readable sizes, ages, durations and rates for tables and progress lines.
// Sizes use decimal units as `docker images` does (1 MB = 1000 * 1000 bytes).

const UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];

/** `0 B`, `812 B`, `4.2 MB`, `1.23 GB`: three significant digits, decimal units (like docker). */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '-';
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  if (unit === 0) return `${Math.round(value)} B`;
  const digits = value >= 100 ? 0 : value >= 10 ? 1 : 2;
  let text = value.toFixed(digits);
  if (text.includes('.')) text = text.replace(/0+$/, '').replace(/\.$/, '');
  return `${text} ${UNITS[unit]}`;
}

/** `4.2 MB/s`. */
export function formatRate(bytesPerSecond: number): string {
  return `${formatBytes(bytesPerSecond)}/s`;
}

/** `45s`, `3m05s`, `2h10m`: for ETAs and elapsed times. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '-';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(s / 3600);
  if (h < 48) return `${h}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d`;
}

/**
 * `just now`, `5 minutes ago`, `3 days ago`, `2 years ago` (like docker's CREATED column). A time more than a
 * minute ahead of `now` (this machine's clock is behind the one that wrote it) is shown as its date, not as
 * `just now`.
 */
export function formatAge(iso: string, now: number = Date.now()): string {
  const then = Date.parse(iso);
  if (!Number.isFinite(then)) return '-';
  if (then - now > 60_000) return new Date(then).toISOString().slice(0, 10);
  const seconds = Math.max(0, (now - then) / 1000);
  const steps: Array<[number, string]> = [
    [60 * 60 * 24 * 365, 'year'],
    [60 * 60 * 24 * 30, 'month'],
    [60 * 60 * 24 * 7, 'week'],
    [60 * 60 * 24, 'day'],
    [60 * 60, 'hour'],
    [60, 'minute'],
  ];
  for (const [size, name] of steps) {
    const n = Math.floor(seconds / size);
    if (n >= 1) return `${n} ${name}${n === 1 ? '' : 's'} ago`;
  }
  return seconds < 10 ? 'just now' : `${Math.floor(seconds)} seconds ago`;
}
