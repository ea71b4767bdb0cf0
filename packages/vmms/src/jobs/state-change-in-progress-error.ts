import type { ManagementOperation } from '../authorization/management-operation.js';
import { ReturnCode } from '../state/return-code.js';
import { JobError } from './job-error.js';

/**
 * A state change asked of a VM while another state-change job on it is still running: refused
 * with {@link ReturnCode.InvalidState} (32775), before any job is created.
 */
export class StateChangeInProgressError extends JobError {
  override readonly name = 'StateChangeInProgressError';

  constructor(
    /** The VM asked of. */
    readonly vmId: string,
    /** The state change that was refused. */
    readonly operation: ManagementOperation,
    /** The id of the state-change job still running on the VM. */
    readonly runningJobId: string,
  ) {
    super(
      ReturnCode.InvalidState,
      `invalid state: VM ${vmId} cannot ${operation} while state-change job ${runningJobId} is running`,
    );
  }
}
