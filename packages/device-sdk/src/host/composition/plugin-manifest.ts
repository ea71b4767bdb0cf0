import { realpath } from 'node:fs/promises';
import { describeReceived } from '../../config/received-value.js';
import { isDeviceClassId } from '../../device-class.js';
import { packageNameOf, readPackageJson, type PackageJson } from './package-json.js';
import { PluginManifestError } from './plugin-manifest-error.js';

/**
 * A device plugin as its package.json declares it (DESIGN §5):
 * `"tsvisor": { "deviceClasses": ["integration.heartbeat"], "host": "./dist/host/index.js", "guest": "./dist/guest/index.js" }`.
 */
export interface PluginManifest {
  readonly packageName: string;
  readonly version: string;
  /** The package's directory, absolute, symbolic links resolved. */
  readonly packageDir: string;
  /** The device classes the plugin provides: at least one, each a valid class id. */
  readonly deviceClasses: readonly string[];
  /** The module, relative to the package (`./…`), that default-exports the host `ContainerModule`. */
  readonly host?: string;
  /** The module, relative to the package (`./…`), that default-exports the guest `ContainerModule`. */
  readonly guest?: string;
}

const MANIFEST_FIELDS = ['deviceClasses', 'host', 'guest'];

function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function deviceClassesOf(value: unknown, fail: (field: string, problem: string) => never): string[] {
  if (!Array.isArray(value) || value.length === 0) {
    fail('tsvisor.deviceClasses', `must be a non-empty array of device class ids, got ${describeReceived(value)}`);
  }
  const ids: string[] = [];
  for (const [index, id] of value.entries()) {
    const field = `tsvisor.deviceClasses[${index}]`;
    if (typeof id !== 'string' || !isDeviceClassId(id)) {
      fail(field, `must be a device class id, lower-case dotted words such as "storage.scsi", got ${describeReceived(id)}`);
    }
    if (ids.includes(id)) fail(field, `lists "${id}" a second time`);
    ids.push(id);
  }
  return ids;
}

function entryOf(value: unknown, field: string, fail: (field: string, problem: string) => never): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !value.startsWith('./')) {
    fail(field, `must be a path inside the package starting with "./", got ${describeReceived(value)}`);
  }
  return value;
}

/**
 * The plugin manifest in a package.json already read, or `undefined` if the package has no
 * `tsvisor` field (it is not a plugin).
 *
 * @param packageDir - The package's absolute directory, recorded in the manifest.
 * @throws {@link PluginManifestError} naming the package and the field if the manifest breaks a rule.
 */
export function pluginManifestOf(packageJson: PackageJson, packageDir: string): PluginManifest | undefined {
  const declared = packageJson['tsvisor'];
  if (declared === undefined) return undefined;
  const packageName = packageNameOf(packageJson, packageDir);
  const fail: (field: string, problem: string) => never = (field, problem) => {
    throw new PluginManifestError(packageName, field, problem);
  };
  if (packageName === packageDir) fail('name', `must be the plugin's package name, got ${describeReceived(packageJson['name'])}`);
  const version = packageJson['version'];
  if (typeof version !== 'string' || version === '') fail('version', `must be the plugin's version, got ${describeReceived(version)}`);
  if (!isRecord(declared)) fail('tsvisor', `must be an object, got ${describeReceived(declared)}`);
  const manifest = declared;
  // A misspelt entry ("Host") would otherwise leave the plugin silently without its host module.
  const unknown = Object.keys(manifest).find((key) => !MANIFEST_FIELDS.includes(key));
  if (unknown !== undefined) fail(`tsvisor.${unknown}`, `is not a manifest field (known fields: ${MANIFEST_FIELDS.join(', ')})`);
  const deviceClasses = deviceClassesOf(manifest['deviceClasses'], fail);
  const host = entryOf(manifest['host'], 'tsvisor.host', fail);
  const guest = entryOf(manifest['guest'], 'tsvisor.guest', fail);
  if (host === undefined && guest === undefined) fail('tsvisor', 'must name a "host" or a "guest" entry, or both');
  return {
    packageName,
    version,
    packageDir,
    deviceClasses,
    ...(host !== undefined && { host }),
    ...(guest !== undefined && { guest }),
  };
}

/**
 * Reads the plugin manifest of the package in `packageDir`, or `undefined` if it is not a plugin.
 * @throws {@link PluginManifestError} if its package.json cannot be read or its manifest breaks a rule.
 */
export async function readPluginManifest(packageDir: string): Promise<PluginManifest | undefined> {
  const packageJson = await readPackageJson(packageDir);
  return pluginManifestOf(packageJson, await realpath(packageDir));
}
