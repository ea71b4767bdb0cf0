/**
 * `@tsvisor/vmms`: the Virtual Machine Management Service (DESIGN §6), the single point of every
 * management request. So far: the VM inventory — the configuration schema, the replaceable
 * {@link InventoryStore} and its default, the atomic {@link FileInventoryStore}.
 * @packageDocumentation
 */
export * from './inventory/index.js';
