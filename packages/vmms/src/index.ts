/**
 * `@tsvisor/vmms`: the Virtual Machine Management Service (DESIGN §6), the single point of every
 * management request. So far: the VM inventory — the configuration schema, the replaceable
 * {@link InventoryStore} and its default, the atomic {@link FileInventoryStore}; the management
 * codes and state model of PROTOCOLS.md §6 ({@link stateChangePlan}); jobs ({@link JobManager});
 * and authorization by role ({@link authorize}).
 * @packageDocumentation
 */
export * from './inventory/index.js';
export * from './state/index.js';
export * from './jobs/index.js';
export * from './authorization/index.js';
export * from './service/index.js';
export * from './api/index.js';
export * from './daemon/index.js';
