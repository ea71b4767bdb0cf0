import { describe, expect, it } from 'vitest';
import { EnabledState, isStableEnabledState } from './enabled-state.js';
import { HealthState } from './health-state.js';
import { HeartbeatStatus } from './heartbeat-status.js';
import { isFinishedJobState, JobState } from './job-state.js';
import { isRequestedState, RequestedState } from './requested-state.js';
import { ReturnCode } from './return-code.js';

describe('the management codes of PROTOCOLS.md §6', () => {
  it('have the values of the reference', () => {
    expect(EnabledState).toEqual({
      Running: 2, Off: 3, ShuttingDown: 4, Starting: 10, Paused: 32768, Saved: 32769,
      StartingTransient: 32770, Saving: 32773, Stopping: 32774, Pausing: 32776, Resuming: 32777,
    });
    expect(RequestedState).toEqual({ Run: 2, Off: 3, ShutDown: 4, Reboot: 10, Reset: 11, Pause: 32768, Save: 32769 });
    expect(ReturnCode).toEqual({
      Completed: 0, JobStarted: 4096, Failed: 32768, AccessDenied: 32769, NotSupported: 32770,
      InvalidParameter: 32773, InvalidState: 32775,
    });
    expect(HealthState).toEqual({ Ok: 5, MajorFailure: 20, CriticalFailure: 25 });
    expect(HeartbeatStatus).toEqual({ Ok: 2, Error: 6, NoContact: 12, LostCommunication: 13 });
    expect(JobState).toEqual({ New: 2, Starting: 3, Running: 4, Completed: 7, Terminated: 8, Killed: 9, Exception: 10 });
  });

  it('call Running, Off, Paused and Saved the stable states', () => {
    const stable = Object.values(EnabledState).filter(isStableEnabledState);
    expect(stable.sort((a, b) => a - b)).toEqual([2, 3, 32768, 32769]);
  });

  it('call Completed, Terminated, Killed and Exception the finished job states', () => {
    expect(Object.values(JobState).filter(isFinishedJobState)).toEqual([7, 8, 9, 10]);
  });

  it('recognize requested-state codes from untrusted input', () => {
    expect(isRequestedState(32768)).toBe(true);
    expect(isRequestedState(5)).toBe(false);
    expect(isRequestedState('2')).toBe(false);
  });
});
