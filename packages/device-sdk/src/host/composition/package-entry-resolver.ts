import { isAbsolute, posix, relative, resolve } from 'node:path';
import { packageNameOf, readPackageJson } from './package-json.js';
import { PluginLoadError } from './plugin-load-error.js';

/** The conditions a built host resolves package exports with: the `dist` JavaScript. */
export const DEFAULT_ENTRY_CONDITIONS: readonly string[] = ['import', 'default'];

/** Normalizes the `exports` field to a map from subpath (`.`, `./host`) to target; `undefined` if there is none. */
function subpathExports(exports: unknown, fail: (problem: string) => never): ReadonlyMap<string, unknown> | undefined {
  if (exports === undefined || exports === null) return undefined;
  if (typeof exports !== 'object' || Array.isArray(exports)) return new Map([['.', exports]]);
  const keys = Object.keys(exports);
  const subpaths = keys.filter((key) => key.startsWith('.'));
  if (subpaths.length === 0) return new Map([['.', exports]]); // `{ "import": …, "default": … }` stands for ".".
  if (subpaths.length !== keys.length) fail('package.json "exports" mixes subpaths ("./…") with conditions');
  return new Map(Object.entries(exports));
}

/** Every file a target names under any condition. */
function targetFiles(target: unknown): string[] {
  if (typeof target === 'string') return [target];
  if (Array.isArray(target)) return target.flatMap(targetFiles);
  if (typeof target === 'object' && target !== null) return Object.values(target).flatMap(targetFiles);
  return [];
}

/**
 * The file a target resolves to under `conditions`, the way Node does it: condition objects are
 * tried in their own key order, `default` always matches, arrays give fallbacks, `null` excludes.
 */
function resolveTarget(target: unknown, conditions: readonly string[]): string | undefined {
  if (typeof target === 'string') return target;
  if (Array.isArray(target)) {
    for (const fallback of target) {
      const file = resolveTarget(fallback, conditions);
      if (file !== undefined) return file;
    }
    return undefined;
  }
  if (typeof target !== 'object' || target === null) return undefined;
  for (const [condition, nested] of Object.entries(target)) {
    if (condition !== 'default' && !conditions.includes(condition)) continue;
    const file = resolveTarget(nested, conditions);
    if (file !== undefined) return file;
  }
  return undefined;
}

function samePath(a: string, b: string): boolean {
  return posix.normalize(a) === posix.normalize(b);
}

/**
 * Resolves a manifest entry of the package in `packageDir` to an absolute file, under conditions
 * the caller chooses rather than those of the running Node: tests load plugins from source
 * (`['@tsvisor/source', 'import', 'default']`) while a built host loads their `dist`.
 *
 * The entry is an export subpath (`./host`) or a file (`./dist/host/index.js`). A file is mapped
 * back to the `exports` subpath whose targets name it under any condition, and that subpath is
 * resolved with `conditions`; so `./dist/host/index.js` leads to `./src/host/index.ts` under
 * `@tsvisor/source`. Without `exports`, or when no export names the file, the file itself is the
 * answer. Subpath patterns (`./*`) are not supported.
 *
 * @throws {@link PluginLoadError} if the entry or the export it leads to is malformed, matches
 *   none of `conditions`, or points outside the package.
 */
export async function resolvePackageEntry(
  packageDir: string,
  entry: string,
  conditions: readonly string[] = DEFAULT_ENTRY_CONDITIONS,
): Promise<string> {
  const packageJson = await readPackageJson(packageDir);
  const fail: (problem: string) => never = (problem) => {
    throw new PluginLoadError(packageNameOf(packageJson, packageDir), entry, problem);
  };
  const fileInPackage = (path: string): string => {
    if (!path.startsWith('./')) fail(`resolves to ${JSON.stringify(path)}, which does not start with "./"`);
    const file = resolve(packageDir, path);
    const inside = relative(packageDir, file);
    if (inside.startsWith('..') || isAbsolute(inside)) fail(`resolves to ${JSON.stringify(path)}, outside the package`);
    return file;
  };
  if (entry !== '.' && !entry.startsWith('./')) fail('must be "." or start with "./"');
  const exports = subpathExports(packageJson['exports'], fail);
  if (exports === undefined) {
    if (entry !== '.') return fileInPackage(entry);
    const main = String(packageJson['main'] ?? 'index.js');
    return fileInPackage(main.startsWith('./') ? main : `./${main}`);
  }
  const subpath = exports.has(entry)
    ? entry
    : [...exports].find(([, target]) => targetFiles(target).some((file) => samePath(file, entry)))?.[0];
  if (subpath === undefined) return fileInPackage(entry);
  const file = resolveTarget(exports.get(subpath), conditions);
  if (file === undefined) fail(`export "${subpath}" has no target for the conditions ${conditions.join(', ')}`);
  return fileInPackage(file);
}
