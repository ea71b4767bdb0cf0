import type { ManagementOperation } from '../authorization/management-operation.js';
import type { JobState } from '../state/job-state.js';
import type { ErrorReturnCode } from './job-error.js';

/**
 * A VMMS job (DESIGN.md §6; Hyper-V's `Msvm_ConcreteJob`): one operation, on one VM or on the
 * host (a disk image), followed from submission to its end. A `Job` is an immutable snapshot — plain data, safe to send over REST;
 * ask the `JobManager` again, or watch its `events$`, for later ones.
 */
export interface Job {
  /** A random UUID. */
  readonly id: string;
  /** What the job does. */
  readonly operation: ManagementOperation;
  /** The VM it acts on; none for an operation of the host, such as converting a disk image. */
  readonly vmId?: string;
  /** Where it is (PROTOCOLS.md §6 job states). */
  readonly state: JobState;
  /** How far its work has got, an integer 0 to 100; 100 once Completed. */
  readonly percentComplete: number;
  /** For a job in Exception: the code of its failure. */
  readonly errorCode?: ErrorReturnCode;
  /** For a job in Exception: what went wrong, the failure's message. */
  readonly errorDescription?: string;
  /** When it was submitted (ISO 8601). */
  readonly submittedAt: string;
  /** When its work began (ISO 8601). */
  readonly startedAt?: string;
  /** When it finished (ISO 8601). */
  readonly finishedAt?: string;
}
