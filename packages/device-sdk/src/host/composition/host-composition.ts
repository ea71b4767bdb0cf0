import { pathToFileURL } from 'node:url';
import { Container, ContainerModule, type ServiceIdentifier } from 'inversify';
import { describeReceived } from '../../config/received-value.js';
import { ImageManagementContribution, type ImageManagementService } from '../image-management.js';
import { ManagementProviderContribution, type ManagementProvider } from '../management-provider.js';
import { VirtualSwitchManagementContribution, type VirtualSwitchManagementService } from '../virtual-switch-management.js';
import { VspFactoryContribution, type VspFactory } from '../vsp.js';
import { DeviceClassRegistry } from './device-class-registry.js';
import { DuplicateDeviceClassError } from './duplicate-device-class-error.js';
import { DEFAULT_ENTRY_CONDITIONS, resolvePackageEntry } from './package-entry-resolver.js';
import { discoverPlugins } from './plugin-discovery.js';
import { PluginLoadError } from './plugin-load-error.js';
import type { PluginManifest } from './plugin-manifest.js';

/** What {@link composeHost} composes. */
export interface HostCompositionOptions {
  /** The host build: the package whose dependency tree holds the plugins. */
  readonly hostPackageDir: string;
  /** The container to load the plugins' host modules into; a new one by default. */
  readonly container?: Container;
  /**
   * The package export conditions plugin entries are resolved with; default `['import', 'default']`.
   * Tests that run plugins from source pass `['@tsvisor/source', 'import', 'default']`.
   */
  readonly conditions?: readonly string[];
}

/** A composed host: its container, the plugins loaded into it in order, and their device classes. */
export interface HostComposition {
  readonly container: Container;
  readonly manifests: readonly PluginManifest[];
  readonly registry: DeviceClassRegistry;
  /** The management providers the plugins contributed, by device class id. */
  readonly managementProviders: ReadonlyMap<string, ManagementProvider>;
  /** The disk image service a plugin contributed, if one did. */
  readonly imageManagement?: ImageManagementService;
  /** The virtual switch service a plugin contributed, if one did. */
  readonly virtualSwitchManagement?: VirtualSwitchManagementService;
  /** The export conditions the plugins' entries were resolved with. */
  readonly conditions: readonly string[];
}

/**
 * Whether `value` is an Inversify `ContainerModule`. A plugin may bring its own copy of Inversify,
 * whose modules fail `instanceof` yet load fine (the container only calls `load` and reads `id`).
 */
function isContainerModule(value: unknown): value is ContainerModule {
  if (value instanceof ContainerModule) return true;
  const candidate = value as Partial<ContainerModule> | null | undefined;
  return typeof candidate === 'object' && candidate !== null && typeof candidate.id === 'number' && typeof candidate.load === 'function';
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Imports a plugin's host entry and returns its default export, checked to be a `ContainerModule`. */
async function importHostModule(manifest: PluginManifest, entry: string, conditions: readonly string[]): Promise<ContainerModule> {
  const file = await resolvePackageEntry(manifest.packageDir, entry, conditions);
  let exports: { readonly default?: unknown };
  try {
    exports = (await import(pathToFileURL(file).href)) as { readonly default?: unknown };
  } catch (error) {
    throw new PluginLoadError(manifest.packageName, entry, `cannot be imported from ${file}: ${messageOf(error)}`, { cause: error });
  }
  if (!isContainerModule(exports.default)) {
    throw new PluginLoadError(
      manifest.packageName,
      entry,
      `must default-export an Inversify ContainerModule, but its default export is ${describeReceived(exports.default)}`,
    );
  }
  return exports.default;
}

/** The registry of `factories`; a duplicate class is reported with the plugins that declare it. */
function registryOf(factories: readonly VspFactory[], manifests: readonly PluginManifest[]): DeviceClassRegistry {
  try {
    return new DeviceClassRegistry(factories);
  } catch (error) {
    if (!(error instanceof DuplicateDeviceClassError)) throw error;
    const declaring = manifests.filter((manifest) => manifest.deviceClasses.includes(error.classId));
    throw new DuplicateDeviceClassError(error.classId, declaring.map((manifest) => manifest.packageName));
  }
}

/**
 * Composes a host from the plugins in its dependency tree (DESIGN §5): discovers their manifests,
 * imports each plugin's host module in dependency order and loads it into the container (so a
 * later module may `rebind` what an earlier one bound; that is how a host build replaces a
 * default), then builds the registry of device classes from the factories bound to
 * `VspFactoryContribution`. Plugins without a host entry are listed but load nothing.
 *
 * @throws {@link PluginDiscoveryError} or {@link PluginManifestError} from discovery.
 * @throws {@link PluginLoadError} if a host module does not resolve, import or load, is not a
 *   `ContainerModule`, or does not provide a device class its manifest declares.
 * @throws {@link DuplicateDeviceClassError} if two factories serve one device class.
 */
export async function composeHost(options: HostCompositionOptions): Promise<HostComposition> {
  return composePlugins(await discoverPlugins(options.hostPackageDir), options);
}

/**
 * The second half of {@link composeHost}, for a host that already has its plugins' manifests
 * (read with `readPluginManifest`, in dependency order): imports and loads their host modules and
 * builds the registry and the management providers.
 *
 * @throws {@link PluginLoadError} and {@link DuplicateDeviceClassError} as {@link composeHost}.
 */
export async function composePlugins(manifests: readonly PluginManifest[], options: Omit<HostCompositionOptions, 'hostPackageDir'> = {}): Promise<HostComposition> {
  const conditions = options.conditions ?? DEFAULT_ENTRY_CONDITIONS;
  const container = options.container ?? new Container();
  const loaded = manifests.filter((manifest): manifest is PluginManifest & { readonly host: string } => manifest.host !== undefined);
  for (const manifest of loaded) {
    const hostModule = await importHostModule(manifest, manifest.host, conditions);
    try {
      container.load(hostModule);
    } catch (error) {
      throw new PluginLoadError(manifest.packageName, manifest.host, `failed to load: ${messageOf(error)}`, { cause: error });
    }
  }
  const contributions = deviceContributions(container, manifests);
  const { registry } = contributions;
  for (const manifest of loaded) {
    const missing = manifest.deviceClasses.find((id) => !registry.has(id));
    if (missing !== undefined) {
      throw new PluginLoadError(
        manifest.packageName,
        manifest.host,
        `declares device class "${missing}" in package.json, but no VspFactory for it is bound to VspFactoryContribution`,
      );
    }
  }
  return { container, manifests, ...contributions, conditions };
}

/**
 * What the host modules loaded into `container` contributed: the registry of their device classes,
 * their management providers by class id, and the image and virtual switch management services, if any. A host that
 * loads plugin modules itself (a worker process loads them from its bundle) calls this once they
 * are loaded.
 *
 * @param manifests - To name the plugins in a {@link DuplicateDeviceClassError}, if known.
 * @throws {@link DuplicateDeviceClassError} for a class served twice, {@link PluginLoadError} for a
 *   class with two management providers, or a second image or virtual switch management service.
 */
export function deviceContributions(
  container: Container,
  manifests: readonly PluginManifest[] = [],
): Pick<HostComposition, 'registry' | 'managementProviders' | 'imageManagement' | 'virtualSwitchManagement'> {
  // `optional`: with nothing bound at all, Inversify versions differ on whether getAll throws.
  const registry = registryOf(container.getAll(VspFactoryContribution, { optional: true }), manifests);
  const managementProviders = new Map<string, ManagementProvider>();
  for (const provider of container.getAll(ManagementProviderContribution, { optional: true })) {
    if (managementProviders.has(provider.classId)) {
      throw new PluginLoadError(
        manifests.find((manifest) => manifest.deviceClasses.includes(provider.classId))?.packageName ?? 'a plugin',
        'host',
        `contributes a second management provider for device class "${provider.classId}"`,
      );
    }
    managementProviders.set(provider.classId, provider);
  }
  const imageManagement = soleContribution(container, ImageManagementContribution, 'image management service');
  const virtualSwitchManagement = soleContribution(container, VirtualSwitchManagementContribution, 'virtual switch management service');
  return {
    registry,
    managementProviders,
    ...(imageManagement === undefined ? {} : { imageManagement }),
    ...(virtualSwitchManagement === undefined ? {} : { virtualSwitchManagement }),
  };
}

/** The one service bound to `token`, if any; a second is refused as a {@link PluginLoadError} naming `what`. */
function soleContribution<T>(container: Container, token: ServiceIdentifier<T>, what: string): T | undefined {
  const [service, second] = container.getAll(token, { optional: true });
  if (second !== undefined) throw new PluginLoadError('a plugin', 'host', `contributes a second ${what}: at most one may be bound`);
  return service;
}
