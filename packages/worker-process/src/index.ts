/**
 * `@tsvisor/worker-process`: one per running VM (DESIGN §6). The {@link VirtualMotherboard} builds
 * a VM from its spec through the plugins' registry, hosts its VSPs and their management, and
 * reports over a typed control channel; {@link ChildProcessWorkerLauncher} runs it in an OS process
 * under Node's permission model, {@link InProcessWorkerLauncher} in the VMMS's own process.
 * @packageDocumentation
 */
export type { WorkerVmSpec, WorkerDeviceSpec } from './control/worker-vm-spec.js';
/** The range of `WorkerVmSpec.haltPollUs`: the hypervisor's. */
export { DEFAULT_HALT_POLL_US, MAX_HALT_POLL_US } from '@tsvisor/hypervisor-core';
export type {
  WorkerCommand,
  WorkerReport,
  WorkerRequest,
  WorkerVmState,
  WorkerDeviceInfo,
  WorkerSample,
  WorkerErrorInfo,
} from './control/control-messages.js';
export { decodeWorkerReport, MAX_CONSOLE_REPORT_CHARS } from './control/worker-report-decoder.js';
export { ControlProtocolError } from './control/control-protocol-error.js';
export { VirtualMotherboard, type MotherboardPlugins, type MotherboardReport, type VirtualMotherboardOptions } from './motherboard/virtual-motherboard.js';
export { WorkerHost, type WorkerHostOptions } from './motherboard/worker-host.js';
export { DeviceOperationNotFoundError } from './motherboard/device-operation-not-found-error.js';
export { GuestShutdownUnavailableError } from './motherboard/guest-shutdown-unavailable-error.js';
export type { VmWorker, VmWorkerExit, VmWorkerLauncher, VmLaunch } from './launch/vm-worker.js';
export { InProcessWorkerLauncher, type WorkerLauncherOptions } from './launch/in-process-worker-launcher.js';
export { ChildProcessWorkerLauncher } from './launch/child-process-worker-launcher.js';
export { ControlConnection, DEFAULT_COMMAND_TIMEOUT_MS } from './launch/control-connection.js';
export { WorkerCommandError } from './launch/worker-command-error.js';
export { WorkerGoneError } from './launch/worker-gone-error.js';
export { VmImageBuilder } from './launch/vm-image-builder.js';
export { bundleWorkerProgram } from './launch/worker-program.js';
export { runWorkerProcess } from './process/run-worker-process.js';
