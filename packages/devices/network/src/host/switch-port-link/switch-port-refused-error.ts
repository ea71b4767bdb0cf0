/** The host process refused the port a worker asked for (a revoked grant, a port connected already, …). */
export class SwitchPortRefusedError extends Error {
  override readonly name = 'SwitchPortRefusedError';
}
