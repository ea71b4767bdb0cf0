/**
 * A package.json that composition cannot use: unreadable, not JSON, or with a `tsvisor` manifest
 * (DESIGN §5) that breaks its rules. Names the package and the offending field.
 */
export class PluginManifestError extends Error {
  override readonly name = 'PluginManifestError';

  constructor(
    /** The package's name, or its directory when the name cannot be read. */
    readonly packageName: string,
    /** The package.json field at fault, e.g. `tsvisor.deviceClasses[1]`; empty for the whole file. */
    readonly field: string,
    /** What is wrong with it. */
    readonly problem: string,
    options?: ErrorOptions,
  ) {
    super(`${packageName}: package.json ${field ? `field "${field}" ` : ''}${problem}`, options);
  }
}
