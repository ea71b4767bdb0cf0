/**
 * `@tsvisor/cli`: the `tsvisor` command (DESIGN §2, layer 7), a thin client of the VMMS REST
 * API, and the typed {@link ManagementClient} it is built on, for scripts of your own.
 * @packageDocumentation
 */
export { runCli, main } from './main.js';
export type { CliIo, TextOutput } from './cli-io.js';
export { ExitCode, exitCodeOf } from './exit-code.js';
export { ManagementClient, type ManagementClientOptions } from './client/management-client.js';
export { ManagementApiError } from './client/management-api-error.js';
export { DaemonUnreachableError } from './client/daemon-unreachable-error.js';
export { InvalidDaemonAddressError } from './client/invalid-daemon-address-error.js';
export { InterruptedError } from './client/interrupted-error.js';
export {
  DAEMON_SOCKET_NAME,
  defaultDataDir,
  formatDaemonEndpoint,
  parseDaemonEndpoint,
  resolveDaemonEndpoint,
  type DaemonEndpoint,
} from './client/daemon-endpoint.js';
export type { VmDefinition, VmDeviceDefinition, VmModification } from './client/vm-definition.js';
export type { RequestedStateName } from './client/requested-state-name.js';
export type { DeviceOperationResult, ImageConversionStart, ImageCreation, VmCreation, VmDeletion } from './client/management-api-responses.js';
export type { ImageConversionBody, ImageCreationBody } from './client/image-requests.js';
export { followJob, type JobFollowing } from './jobs/follow-job.js';
export { JobFailedError } from './jobs/job-failed-error.js';
