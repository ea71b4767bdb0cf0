import type { ServiceIdentifier } from 'inversify';
import type { InventoryFileError } from './inventory-file-error.js';
import type { VirtualSwitchConfiguration } from './virtual-switch-configuration.js';

/** What {@link VirtualSwitchStore.scan} finds: the switches that load, and the stored definitions that do not. */
export interface VirtualSwitchScan {
  /** Every switch whose definition reads and validates, sorted by name. */
  readonly switches: VirtualSwitchConfiguration[];
  /** One error per definition that does not, naming the file (or record) and the field. */
  readonly problems: InventoryFileError[];
  /** Temporary files left by writes that never finished (a crash), now removed. */
  readonly removedTempFiles: string[];
}

/**
 * Where the VMMS keeps the definitions of the host's virtual switches. The default is a
 * `FileVirtualSwitchStore`; a clustered store replaces it with one rebind of {@link VirtualSwitchStore}.
 * Every implementation validates what it stores, keeps names unique (ignoring case), and never
 * leaves a definition half-written.
 */
export interface VirtualSwitchStore {
  /** Loads every definition, reporting those that do not load; the VMMS calls it at start. */
  scan(): Promise<VirtualSwitchScan>;
  /** Creates or replaces the definition of switch `config.name`, after validating it. */
  put(config: VirtualSwitchConfiguration): Promise<void>;
  /** Removes switch `name`; `false` if there was none. */
  delete(name: string): Promise<boolean>;
  /** Where the definition of switch `name` is kept (a file path, a record key), for reports. */
  locationOf(name: string): string;
}

/** The token the VMMS resolves its {@link VirtualSwitchStore} by. */
export const VirtualSwitchStore: ServiceIdentifier<VirtualSwitchStore> = Symbol.for('@tsvisor/vmms/VirtualSwitchStore');
