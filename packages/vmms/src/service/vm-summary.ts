import type { Job } from '../jobs/job.js';
import type { VmConfiguration } from '../inventory/vm-configuration.js';
import type { EnabledState } from '../state/enabled-state.js';
import type { HealthState } from '../state/health-state.js';
import type { HeartbeatStatus } from '../state/heartbeat-status.js';

/** The name of an {@link EnabledState}, as the API and the CLI show it. */
export type VmStateName =
  | 'Running'
  | 'Off'
  | 'ShuttingDown'
  | 'Starting'
  | 'Paused'
  | 'Saved'
  | 'Stopping'
  | 'Pausing'
  | 'Resuming'
  | 'Saving';

/** The name of a {@link HealthState}. */
export type HealthName = 'OK' | 'MajorFailure' | 'CriticalFailure';

/** The name of a {@link HeartbeatStatus}. */
export type HeartbeatName = 'OK' | 'Error' | 'NoContact' | 'LostCommunication';

/**
 * The summary information of one VM (PROTOCOLS.md §6): what `GET /vms` lists and `vm show` prints.
 * Codes and their names side by side: scripts compare codes, people read names.
 */
export interface VmSummary {
  readonly id: string;
  readonly name: string;
  readonly notes?: string;
  /** ISO 8601. */
  readonly createdAt: string;
  readonly processors: number;
  /** Configured guest memory, bytes. */
  readonly memory: number;
  readonly state: VmStateName;
  readonly enabledState: EnabledState;
  readonly health: HealthName;
  readonly healthState: HealthState;
  readonly heartbeat: HeartbeatName;
  readonly heartbeatStatus: HeartbeatStatus;
  /** Milliseconds since the VM last reached Running; 0 when it is not running. */
  readonly uptimeMs: number;
  /** Processor load of the VM's virtual processors over the last sample, percent (0–100 per VP, averaged). */
  readonly processorLoad: number;
  /** Memory the VM uses, bytes: its guest memory while it runs, 0 when off. */
  readonly memoryUsage: number;
  /** Jobs of this VM not yet finished. */
  readonly asynchronousTasks: number;
  /** Why the VM last failed (its worker died, its guest faulted), while health is not OK. */
  readonly failure?: string;
  /** Process id of its worker process, while it has one (process mode only). */
  readonly workerPid?: number;
}

/** One VM with its configuration: `GET /vms/{vm}`. */
export interface VmDetails extends VmSummary {
  readonly configuration: VmConfiguration;
}

/** One device of a VM as management sees it: `GET /vms/{vm}/devices`. */
export interface DeviceSummary {
  readonly class: string;
  readonly instanceId: string;
  readonly config: VmConfiguration['devices'][number]['config'];
  /** The operations its management provider offers (`POST …/operations/{name}`), while the VM runs. */
  readonly operations: readonly { readonly name: string; readonly description: string }[];
  /** Its counters, while the VM runs. */
  readonly counters: Readonly<Record<string, number>>;
}

/** A VM's performance counters: `GET /vms/{vm}/counters`. */
export interface VmCounters {
  readonly vm: string;
  /** ISO 8601 time of the sample. */
  readonly sampledAt: string;
  readonly processorLoad: number;
  readonly memoryUsage: number;
  readonly uptimeMs: number;
  /** Virtual processor busy time since start, ms, per VP. */
  readonly vpBusyMs: readonly number[];
  /** Partition counters (hypercalls, messages). */
  readonly partition: Readonly<Record<string, number>>;
  /** Per device instance id, its counters. */
  readonly devices: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

/** The answer to a `RequestStateChange`: a return code (PROTOCOLS.md §6) and the job, if one started. */
export interface StateChangeResult {
  readonly returnValue: number;
  readonly job?: Job;
}
