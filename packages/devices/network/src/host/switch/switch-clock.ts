/** Where the switch reads the time, for MAC aging and capture timestamps; tests inject their own. */
export interface SwitchClock {
  /** Milliseconds since the Unix epoch (fractions allowed). */
  now(): number;
}

/** The host's wall clock, with sub-millisecond resolution. */
export const systemClock: SwitchClock = {
  now: () => performance.timeOrigin + performance.now(),
};
