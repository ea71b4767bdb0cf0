import { JobError } from '../jobs/job-error.js';
import type { StateChangeOperation } from '../service/vmms.js';
import { RequestedState } from '../state/requested-state.js';
import { ReturnCode } from '../state/return-code.js';

/** The words `POST /vms/{vm}/state` accepts for `requestedState`, besides the numeric codes. */
export const requestedStateWords = ['run', 'off', 'shutdown', 'reboot', 'reset', 'pause', 'resume', 'save'] as const;

/** A word of {@link requestedStateWords}. */
export type RequestedStateWord = (typeof requestedStateWords)[number];

const byWord: Readonly<Record<RequestedStateWord, StateChangeOperation | undefined>> = {
  run: 'vm.run',
  off: 'vm.off',
  shutdown: 'vm.shutdown',
  reboot: 'vm.reboot',
  reset: 'vm.reset',
  pause: 'vm.pause',
  resume: 'vm.resume',
  save: undefined,
};

// Code 2 is `vm.run`: the service resumes a Paused VM it is asked to run, as Hyper-V does.
const byCode: Readonly<Record<RequestedState, StateChangeOperation | undefined>> = {
  [RequestedState.Run]: 'vm.run',
  [RequestedState.Off]: 'vm.off',
  [RequestedState.ShutDown]: 'vm.shutdown',
  [RequestedState.Reboot]: 'vm.reboot',
  [RequestedState.Reset]: 'vm.reset',
  [RequestedState.Pause]: 'vm.pause',
  [RequestedState.Save]: undefined,
};

/**
 * The operation a `requestedState` (a word, or a RequestStateChange code, already checked against
 * the route schema) asks for. Only the word `resume` gives `vm.resume`.
 * @throws JobError with {@link ReturnCode.NotSupported} (32770) for save, which tsvisor does not do.
 */
export function stateChangeOperationOf(requestedState: RequestedStateWord | RequestedState): StateChangeOperation {
  const operation = typeof requestedState === 'number' ? byCode[requestedState] : byWord[requestedState];
  if (operation === undefined) throw new JobError(ReturnCode.NotSupported, 'requestedState: save is not supported by tsvisor');
  return operation;
}
