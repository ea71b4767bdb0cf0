/**
 * The lifecycle of a partition (DESIGN.md §3):
 * created → starting → running ⇄ paused → stopping → off → destroyed, with faulted
 * reachable from any state in which virtual processors exist.
 */
export type PartitionState =
  | 'created'
  | 'starting'
  | 'running'
  | 'paused'
  | 'stopping'
  | 'off'
  | 'faulted'
  | 'destroyed';

/** Every legal transition, by the state it leaves. Anything not listed is refused. */
export const PARTITION_TRANSITIONS: { readonly [S in PartitionState]: readonly PartitionState[] } = {
  created: ['starting', 'destroyed'],
  starting: ['running', 'stopping', 'faulted'],
  running: ['paused', 'stopping', 'faulted'],
  paused: ['running', 'stopping', 'faulted'],
  stopping: ['off'],
  off: ['starting', 'destroyed'],
  faulted: ['stopping', 'destroyed'],
  destroyed: [],
};

/** Whether a partition may go from `from` to `to`. */
export function canTransition(from: PartitionState, to: PartitionState): boolean {
  return PARTITION_TRANSITIONS[from].includes(to);
}

/** A state change, as `Partition.transitions$` reports it. */
export interface PartitionTransition {
  readonly from: PartitionState;
  readonly to: PartitionState;
  /** Why, for faults and guest-initiated stops. */
  readonly reason?: string;
}
