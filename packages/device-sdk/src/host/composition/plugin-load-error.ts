/**
 * A plugin whose host module cannot be used: its entry does not resolve or import, it does not
 * default-export an Inversify `ContainerModule`, loading it fails, or it does not provide the
 * device classes its manifest declares.
 */
export class PluginLoadError extends Error {
  override readonly name = 'PluginLoadError';

  constructor(
    /** The plugin package. */
    readonly packageName: string,
    /** The manifest entry being loaded, as written there, e.g. `./dist/host/index.js`. */
    readonly entry: string,
    /** What went wrong. */
    readonly problem: string,
    options?: ErrorOptions,
  ) {
    super(`plugin "${packageName}", entry ${entry}: ${problem}`, options);
  }
}
