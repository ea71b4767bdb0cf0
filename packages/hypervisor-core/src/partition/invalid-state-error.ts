import type { PartitionState } from './partition-state.js';

/** An operation was asked of a partition in a state that does not allow it. Nothing changed. */
export class InvalidStateError extends Error {
  override readonly name = 'InvalidStateError';

  constructor(
    /** The state the partition was in (and still is). */
    readonly state: PartitionState,
    /** The operation or transition that was refused. */
    readonly operation: string,
    /** The partition's name. */
    readonly partitionName: string,
  ) {
    super(`partition '${partitionName}' cannot ${operation} while ${state}`);
  }
}
