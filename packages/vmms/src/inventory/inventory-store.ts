import type { ServiceIdentifier } from 'inversify';
import type { VmConfiguration } from './vm-configuration.js';

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
}

/** The token the VMMS resolves its {@link InventoryStore} by. */
export const InventoryStore: ServiceIdentifier<InventoryStore> = Symbol.for('@tsvisor/vmms/InventoryStore');
