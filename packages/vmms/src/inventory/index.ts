export {
  vmConfigurationSchema,
  VM_CONFIGURATION_SCHEMA_VERSION,
  type VmConfiguration,
  type VmDeviceConfiguration,
} from './vm-configuration.js';
export type { JsonObject, JsonValue } from './json-object-schema.js';
export { InventoryStore, type InventoryScan } from './inventory-store.js';
export { FileInventoryStore } from './file-inventory-store.js';
export { InventoryFileError } from './inventory-file-error.js';
export { DuplicateVmNameError } from './duplicate-vm-name-error.js';
export { UnsupportedSchemaVersionError } from './unsupported-schema-version-error.js';
export {
  virtualSwitchConfigurationSchema,
  VIRTUAL_SWITCH_CONFIGURATION_SCHEMA_VERSION,
  type VirtualSwitchConfiguration,
} from './virtual-switch-configuration.js';
export { VirtualSwitchStore, type VirtualSwitchScan } from './virtual-switch-store.js';
export { FileVirtualSwitchStore } from './file-virtual-switch-store.js';
export { JsonFileDirectory, type JsonRecordKind, type JsonFileScan } from './json-file-directory.js';
