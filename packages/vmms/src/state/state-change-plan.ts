import { EnabledState } from './enabled-state.js';
import { RequestedState } from './requested-state.js';
import { ReturnCode } from './return-code.js';

/**
 * A state change the VM goes through: it reports `transient` as soon as the job starts, then
 * each state of `via` in order, and rests in `final` when the job completes.
 */
export interface StateTransition {
  readonly kind: 'transition';
  /** The state reported while the job begins. */
  readonly transient: EnabledState;
  /** Further transient states, in order, between `transient` and `final` (a reboot passes through Starting). */
  readonly via: readonly EnabledState[];
  /** The state the VM rests in once the job has completed. */
  readonly final: EnabledState;
}

/**
 * What the VMMS does with a `RequestStateChange` (PROTOCOLS.md §6), decided before any job starts:
 * - `invalid-state`: refused with {@link ReturnCode.InvalidState} (32775), e.g. pausing an Off VM,
 *   or any request while a transient state says another change is under way;
 * - `not-supported`: refused with {@link ReturnCode.NotSupported} (32770): saving, and starting
 *   from a saved state, since tsvisor has no save;
 * - `no-op`: the VM is already where it was asked to go: {@link ReturnCode.Completed} (0), no job;
 * - `transition`: a job is started ({@link ReturnCode.JobStarted}, 4096) taking the VM through
 *   the states of the {@link StateTransition}.
 */
export type StateChangePlan =
  | { readonly kind: 'invalid-state' }
  | { readonly kind: 'not-supported' }
  | { readonly kind: 'no-op' }
  | StateTransition;

const invalidState: StateChangePlan = Object.freeze({ kind: 'invalid-state' });
const notSupported: StateChangePlan = Object.freeze({ kind: 'not-supported' });
const noOp: StateChangePlan = Object.freeze({ kind: 'no-op' });

function transition(transient: EnabledState, final: EnabledState, via: readonly EnabledState[] = []): StateTransition {
  return Object.freeze({ kind: 'transition', transient, via: Object.freeze([...via]), final });
}

const start = transition(EnabledState.Starting, EnabledState.Running);
const turnOff = transition(EnabledState.Stopping, EnabledState.Off);
const shutDown = transition(EnabledState.ShuttingDown, EnabledState.Off);
const restart = transition(EnabledState.Stopping, EnabledState.Running, [EnabledState.Starting]);
const pause = transition(EnabledState.Pausing, EnabledState.Paused);
const resume = transition(EnabledState.Resuming, EnabledState.Running);

type Row = Partial<Record<RequestedState, StateChangePlan>>;

/** Per stable state, the requests that are not `invalid-state`. Transient states accept none. */
const plans: Partial<Record<EnabledState, Row>> = {
  [EnabledState.Off]: {
    [RequestedState.Run]: start,
    [RequestedState.Off]: noOp,
    [RequestedState.ShutDown]: noOp,
  },
  [EnabledState.Running]: {
    [RequestedState.Run]: noOp,
    [RequestedState.Off]: turnOff,
    [RequestedState.ShutDown]: shutDown,
    [RequestedState.Reboot]: restart,
    [RequestedState.Reset]: restart,
    [RequestedState.Pause]: pause,
  },
  [EnabledState.Paused]: {
    [RequestedState.Run]: resume,
    [RequestedState.Off]: turnOff,
    // A paused guest cannot take part in a guest-assisted shutdown: resume it or turn it off.
    [RequestedState.Reboot]: restart,
    [RequestedState.Reset]: restart,
    [RequestedState.Pause]: noOp,
  },
  [EnabledState.Saved]: {
    // Restoring needs the save tsvisor does not have; turning off discards the saved state.
    [RequestedState.Run]: notSupported,
    [RequestedState.Off]: turnOff,
  },
};

/**
 * Decides what `requested` does to a VM in state `current` (PROTOCOLS.md §6). Pure.
 *
 * Choices, where Hyper-V leaves room or tsvisor differs:
 * - Save is `not-supported` whatever the state: tsvisor cannot save a VM, and says so before
 *   looking at the state. A Saved VM (imported, say) can only be turned off.
 * - Asking for the state the VM is already in (run a Running VM, turn off or shut down an Off
 *   one, pause a Paused one) is a `no-op` answered with {@link ReturnCode.Completed}, so that
 *   clients (REST retries, scripts) can repeat a request safely — as PowerShell's `Start-VM` and
 *   `Stop-VM` do; raw WMI `RequestStateChange` may answer 32775 instead.
 * - In a transient state every request is `invalid-state`: one state change at a time per VM.
 *   To abandon a change, cancel its job, then ask again.
 * - Reboot and reset are the same hard restart (Stopping, Starting, Running), allowed from
 *   Running and Paused; a guest-assisted restart is a shutdown-service message, not a request here.
 */
export function stateChangePlan(current: EnabledState, requested: RequestedState): StateChangePlan {
  if (requested === RequestedState.Save) return notSupported;
  return plans[current]?.[requested] ?? invalidState;
}

/** The {@link ReturnCode} the VMMS answers a state-change request with, given its plan. */
export function returnCodeOfPlan(plan: StateChangePlan): ReturnCode {
  switch (plan.kind) {
    case 'invalid-state':
      return ReturnCode.InvalidState;
    case 'not-supported':
      return ReturnCode.NotSupported;
    case 'no-op':
      return ReturnCode.Completed;
    case 'transition':
      return ReturnCode.JobStarted;
  }
}
