import { EnabledState } from '../state/enabled-state.js';
import { HealthState } from '../state/health-state.js';
import { HeartbeatStatus } from '../state/heartbeat-status.js';
import type { HealthName, HeartbeatName, VmStateName } from './vm-summary.js';

const enabledStateNames: Readonly<Record<EnabledState, VmStateName>> = {
  [EnabledState.Running]: 'Running',
  [EnabledState.Off]: 'Off',
  [EnabledState.ShuttingDown]: 'ShuttingDown',
  [EnabledState.Starting]: 'Starting',
  [EnabledState.Paused]: 'Paused',
  [EnabledState.Saved]: 'Saved',
  [EnabledState.StartingTransient]: 'Starting',
  [EnabledState.Saving]: 'Saving',
  [EnabledState.Stopping]: 'Stopping',
  [EnabledState.Pausing]: 'Pausing',
  [EnabledState.Resuming]: 'Resuming',
};

const healthNames: Readonly<Record<HealthState, HealthName>> = {
  [HealthState.Ok]: 'OK',
  [HealthState.MajorFailure]: 'MajorFailure',
  [HealthState.CriticalFailure]: 'CriticalFailure',
};

const heartbeatNames: Readonly<Record<HeartbeatStatus, HeartbeatName>> = {
  [HeartbeatStatus.Ok]: 'OK',
  [HeartbeatStatus.Error]: 'Error',
  [HeartbeatStatus.NoContact]: 'NoContact',
  [HeartbeatStatus.LostCommunication]: 'LostCommunication',
};

/** The name the API shows for an {@link EnabledState}. */
export function enabledStateName(state: EnabledState): VmStateName {
  return enabledStateNames[state];
}

/** The name the API shows for a {@link HealthState}. */
export function healthName(state: HealthState): HealthName {
  return healthNames[state];
}

/** The name the API shows for a {@link HeartbeatStatus}. */
export function heartbeatName(status: HeartbeatStatus): HeartbeatName {
  return heartbeatNames[status];
}
