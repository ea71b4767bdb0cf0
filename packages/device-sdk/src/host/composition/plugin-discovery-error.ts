/** A dependency of the host build, or of a package in its dependency tree, that is not installed. */
export class PluginDiscoveryError extends Error {
  override readonly name = 'PluginDiscoveryError';

  constructor(
    /** The dependency that cannot be found. */
    readonly packageName: string,
    /** The package that depends on it. */
    readonly dependent: string,
    /** The directory the search started from (then went up through every parent). */
    readonly searchedFrom: string,
  ) {
    super(
      `cannot find package "${packageName}", a dependency of "${dependent}": there is no node_modules/${packageName} ` +
        `in ${searchedFrom} or any directory above it (install it, or list it in optionalDependencies if it may be absent)`,
    );
  }
}
