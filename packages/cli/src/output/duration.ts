const UNITS: readonly (readonly [size: number, suffix: string])[] = [
  [86_400_000, 'd'],
  [3_600_000, 'h'],
  [60_000, 'm'],
  [1_000, 's'],
];

/**
 * An uptime as people read it, in its largest unit and the next one when that is not zero:
 * `45s`, `5m 3s`, `2h 5m`, `1h`, `3d 4h`. Below a second (a VM that is off has an uptime of 0) it is `0s`.
 */
export function formatDuration(milliseconds: number): string {
  const total = Math.max(0, Math.floor(milliseconds));
  const first = UNITS.findIndex(([size]) => total >= size);
  if (first === -1) return '0s';
  const [size, suffix] = UNITS[first]!;
  const text = `${Math.floor(total / size)}${suffix}`;
  const next = UNITS[first + 1];
  if (next === undefined) return text;
  const remainder = Math.floor((total % size) / next[0]);
  return remainder === 0 ? text : `${text} ${remainder}${next[1]}`;
}
