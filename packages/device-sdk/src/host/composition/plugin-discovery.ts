import { realpath, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { packageNameOf, readPackageJson, type PackageJson } from './package-json.js';
import { PluginDiscoveryError } from './plugin-discovery-error.js';
import { PluginManifestError } from './plugin-manifest-error.js';
import { pluginManifestOf, type PluginManifest } from './plugin-manifest.js';

/** A package name as npm allows it: optionally scoped, no path tricks. */
const PACKAGE_NAME = /^(?:@[a-z0-9~-][\w.~-]*\/)?[a-z0-9~-][\w.~-]*$/i;

interface Dependency {
  readonly name: string;
  /** Listed in `optionalDependencies`: its absence is no error. */
  readonly optional: boolean;
}

function namesIn(field: unknown): string[] {
  return typeof field === 'object' && field !== null && !Array.isArray(field) ? Object.keys(field) : [];
}

/** `dependencies` then `optionalDependencies`, in declaration order; a name in both is optional, as npm has it. */
function dependenciesOf(packageJson: PackageJson): Dependency[] {
  const optional = new Set(namesIn(packageJson['optionalDependencies']));
  const names = new Set([...namesIn(packageJson['dependencies']), ...optional]);
  return [...names].map((name) => ({ name, optional: optional.has(name) }));
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/**
 * Where Node would find package `name` required from `fromDir`: the first `node_modules/name`
 * directory in `fromDir` or a directory above it, symbolic links resolved; `undefined` if none.
 */
export async function locatePackage(name: string, fromDir: string): Promise<string | undefined> {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    if (basename(dir) !== 'node_modules') {
      const candidate = join(dir, 'node_modules', name);
      try {
        if ((await stat(candidate)).isDirectory()) return await realpath(candidate);
      } catch (error) {
        if (!isMissing(error)) throw error;
      }
    }
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * Finds the device plugins a host build is made of (DESIGN §5): walks the dependency tree of the
 * package in `hostPackageDir` (`dependencies` and `optionalDependencies`, each package found the
 * way Node finds it and visited once, however many paths lead to it) and returns the manifests of
 * the packages that have a `tsvisor` field, the host package itself included.
 *
 * The order is the order to load their modules in: a plugin comes after every plugin it depends
 * on, directly or not, and otherwise in the order the dependencies are declared; so a later
 * plugin may rebind what an earlier one bound. Within a dependency cycle the order is that of
 * discovery.
 *
 * @throws {@link PluginDiscoveryError} naming a dependency that is not installed, unless it is optional.
 * @throws {@link PluginManifestError} if a package.json cannot be read or a plugin manifest breaks a rule.
 */
export async function discoverPlugins(hostPackageDir: string): Promise<PluginManifest[]> {
  const visited = new Set<string>();
  const manifests: PluginManifest[] = [];

  const visit = async (packageDir: string): Promise<void> => {
    const packageJson = await readPackageJson(packageDir);
    const dependent = packageNameOf(packageJson, packageDir);
    for (const { name, optional } of dependenciesOf(packageJson)) {
      if (!PACKAGE_NAME.test(name)) {
        throw new PluginManifestError(dependent, 'dependencies', `lists "${name}", which is not a package name`);
      }
      const dependencyDir = await locatePackage(name, packageDir);
      if (dependencyDir === undefined) {
        if (optional) continue;
        throw new PluginDiscoveryError(name, dependent, packageDir);
      }
      if (visited.has(dependencyDir)) continue;
      visited.add(dependencyDir);
      await visit(dependencyDir);
    }
    const manifest = pluginManifestOf(packageJson, packageDir);
    if (manifest !== undefined) manifests.push(manifest);
  };

  const hostDir = await realpath(hostPackageDir);
  visited.add(hostDir);
  await visit(hostDir);
  return manifests;
}
