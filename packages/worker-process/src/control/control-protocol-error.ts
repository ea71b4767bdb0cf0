/** A worker process sent something that is not a well-formed {@link WorkerReport}: the VMMS stops trusting it. */
export class ControlProtocolError extends Error {
  override readonly name = 'ControlProtocolError';

  constructor(
    /** Where in the message, e.g. `sample.vps[0].activeMs`. */
    readonly field: string,
    problem: string,
  ) {
    super(`bad report from a worker process: ${field}: ${problem}`);
  }
}
