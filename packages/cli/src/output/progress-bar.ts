/** Cells of a {@link formatProgressBar}. */
const BAR_WIDTH = 30;

/** A percentage as a bar of `#` and `.` between brackets, then the figure: `[#######.......]  47%`. */
export function formatProgressBar(percent: number): string {
  const clamped = Math.min(100, Math.max(0, Math.round(percent)));
  const filled = Math.round((clamped / 100) * BAR_WIDTH);
  return `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${String(clamped).padStart(3)}%`;
}
