import type { ServiceIdentifier } from 'inversify';
import type { InventoryFileError } from './inventory-file-error.js';
import type { VmConfiguration } from './vm-configuration.js';

/** What {@link InventoryStore.scan} finds: the VMs that load, and the stored configurations that do not. */
export interface InventoryScan {
  /** Every VM whose file reads and validates, sorted by name. */
  readonly vms: VmConfiguration[];
  /** One error per file that does not, naming the file and the field. */
  readonly problems: InventoryFileError[];
  /** Temporary files left by writes that never finished (a crash), now removed. */
  readonly removedTempFiles: string[];
}

/**
 * Where the VMMS keeps its VM configurations (DESIGN §6). The default is a
 * {@link FileInventoryStore}; a clustered store replaces it with one rebind of {@link InventoryStore}.
 * Every implementation validates what it stores, keeps names unique, and never leaves a
 * configuration half-written.
 */
export interface InventoryStore {
  /** Every readable VM configuration, sorted by name. */
  list(): Promise<VmConfiguration[]>;
  /** The configuration of VM `id`, or `undefined` if there is none. */
  get(id: string): Promise<VmConfiguration | undefined>;
  /** Creates or replaces the configuration of VM `config.id`, after validating it. */
  put(config: VmConfiguration): Promise<void>;
  /** Removes VM `id`; `false` if there was none. */
  delete(id: string): Promise<boolean>;
  /**
   * Loads everything and reports what does not load (naming the file or record and the field),
   * where the store can have broken entries; the VMMS calls it at start. Without it the VMMS uses {@link list}.
   */
  scan?(): Promise<InventoryScan>;
}

/** The token the VMMS resolves its {@link InventoryStore} by. */
export const InventoryStore: ServiceIdentifier<InventoryStore> = Symbol.for('@tsvisor/vmms/InventoryStore');
