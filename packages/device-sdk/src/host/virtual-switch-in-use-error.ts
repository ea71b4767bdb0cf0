/** A virtual switch cannot be deleted while VM ports are attached to it. */
export class VirtualSwitchInUseError extends Error {
  override readonly name = 'VirtualSwitchInUseError';

  constructor(
    /** The switch. */
    readonly switchName: string,
    /** The ports attached, named `port (vm)` where the VM is known. */
    readonly ports: readonly string[],
  ) {
    super(`virtual switch ${JSON.stringify(switchName)} is in use: ${ports.length} port(s) attached (${ports.join(', ')}); disconnect them first`);
  }
}
