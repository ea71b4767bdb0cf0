export { Hypervisor, HypervisorOptions, DEFAULT_HYPERVISOR_OPTIONS } from './hypervisor.js';
export { hypervisorModule } from './hypervisor-module.js';
/** The file VPs read the host's run queue from (halt polling stops on an overcommitted host): a process under the permission model must be allowed to read it. */
export { RUN_QUEUE_PATH } from './host-load/run-queue.js';
export { Partition, PartitionFaultError } from './partition/partition.js';
export { PartitionSpecError, DEFAULT_HALT_POLL_US, DEFAULT_VP_LIMITS, MAX_HALT_POLL_US, type PartitionSpec } from './partition/partition-spec.js';
export { InvalidStateError } from './partition/invalid-state-error.js';
export {
  PARTITION_TRANSITIONS,
  canTransition,
  type PartitionState,
  type PartitionTransition,
} from './partition/partition-state.js';
export { vpUtilization, type PartitionCounters, type VpCounters } from './partition/partition-counters.js';
export { GuestMemory } from './memory/guest-memory.js';
export { GuestMemoryAccessError } from './memory/guest-memory-access-error.js';
export { SynicController, MAX_PENDING_MESSAGES } from './synic/synic-controller.js';
export type { HostPort, MessageHandler, EventHandler } from './synic/host-port.js';
export type { PortHandlerError } from './synic/hypercall-dispatcher.js';
export { MAX_PORTS, QUEUE_SLOTS } from './synic/partition-control-block.js';
export { GuestImageLoader, GuestImageError, type GuestImage } from './guest-image/guest-image.js';
export { BundlingGuestImageLoader } from './guest-image/bundling-guest-image-loader.js';
export { PrebuiltGuestImageLoader } from './guest-image/prebuilt-guest-image-loader.js';
export { VpRuntimeSource } from './vp/vp-runtime-source.js';
export { BundlingVpRuntimeSource, bundleVpRuntime } from './vp/bundling-vp-runtime-source.js';
export { PrebuiltVpRuntimeSource } from './vp/prebuilt-vp-runtime-source.js';
export type { VpResourceLimits } from './vp/virtual-processor.js';
export * from './guest.js';
