/** The host refused a step of the adapter's bring-up (NVSP version, a buffer, RNDIS initialization…). */
export class NetvscBringUpError extends Error {
  override readonly name = 'NetvscBringUpError';

  constructor(
    /** The step that failed, e.g. `NVSP version`, `receive buffer`. */
    readonly step: string,
    /** What the host answered. */
    readonly detail: string,
  ) {
    super(`netvsc bring-up failed at ${step}: ${detail}`);
  }
}
