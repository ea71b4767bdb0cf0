/**
 * `@tsvisor/device-sdk/host`: the host side of device plugins: VSP factories and their
 * contribution token, the two VSP styles, the image and virtual switch management contracts, and host composition
 * from plugin manifests.
 * @packageDocumentation
 */
export { VspFactoryContribution, type DeviceFileAccess, type Vsp, type VspBus, type VspContext, type VspFactory } from './vsp.js';
export type { DeviceHostGrant, DeviceHostGrantLease, DeviceHostGrantRequest } from './host-grant.js';
export {
  ManagementProviderContribution,
  type DeviceManagement,
  type DeviceOperation,
  type GuestHeartbeat,
  type GuestShutdownOutcome,
  type GuestShutdownRequest,
  type ManagementProvider,
} from './management-provider.js';
export {
  ImageManagementContribution,
  type ImageCheckResult,
  type ImageConversion,
  type ImageCreation,
  type ImageInfo,
  type ImageManagementService,
} from './image-management.js';
export {
  VirtualSwitchManagementContribution,
  VIRTUAL_SWITCH_NAME_PATTERN,
  virtualSwitchDefinitionSchema,
  type VirtualSwitchDefinition,
  type VirtualSwitchManagementService,
  type VirtualSwitchPortStatus,
  type VirtualSwitchPortVlan,
  type VirtualSwitchStatus,
} from './virtual-switch-management.js';
export { VirtualSwitchNameTakenError } from './virtual-switch-name-taken-error.js';
export { VirtualSwitchInUseError } from './virtual-switch-in-use-error.js';
export { VirtualSwitchNotFoundError } from './virtual-switch-not-found-error.js';
export { ChannelVsp } from './channel-vsp.js';
export { SimpleVsp } from './simple-vsp.js';
export { composeHost, composePlugins, deviceContributions, type HostComposition, type HostCompositionOptions } from './composition/host-composition.js';
export { DeviceClassRegistry, type VmDevice, type VspVm } from './composition/device-class-registry.js';
export { discoverPlugins, locatePackage } from './composition/plugin-discovery.js';
export { readPluginManifest, pluginManifestOf, type PluginManifest } from './composition/plugin-manifest.js';
export { resolvePackageEntry, DEFAULT_ENTRY_CONDITIONS } from './composition/package-entry-resolver.js';
export { readPackageJson, type PackageJson } from './composition/package-json.js';
export { PluginManifestError } from './composition/plugin-manifest-error.js';
export { PluginDiscoveryError } from './composition/plugin-discovery-error.js';
export { PluginLoadError } from './composition/plugin-load-error.js';
export { MissingDeviceClassError } from './composition/missing-device-class-error.js';
export { DuplicateDeviceClassError } from './composition/duplicate-device-class-error.js';
export { writeGuestImageEntry, guestKernelEntry, type GuestImageParts } from './composition/guest-image-entry.js';
