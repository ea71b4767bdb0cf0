import { describe, expect, it } from 'vitest';
import { JobError } from '../jobs/job-error.js';
import { RequestedState } from '../state/requested-state.js';
import { ReturnCode } from '../state/return-code.js';
import { stateChangeOperationOf } from './requested-state-operation.js';

describe('stateChangeOperationOf', () => {
  it.each([
    ['run', 'vm.run'],
    ['off', 'vm.off'],
    ['shutdown', 'vm.shutdown'],
    ['reboot', 'vm.reboot'],
    ['reset', 'vm.reset'],
    ['pause', 'vm.pause'],
    ['resume', 'vm.resume'],
    [RequestedState.Run, 'vm.run'],
    [RequestedState.Off, 'vm.off'],
    [RequestedState.ShutDown, 'vm.shutdown'],
    [RequestedState.Reboot, 'vm.reboot'],
    [RequestedState.Reset, 'vm.reset'],
    [RequestedState.Pause, 'vm.pause'],
  ] as const)('%s → %s', (requested, operation) => {
    expect(stateChangeOperationOf(requested)).toBe(operation);
  });

  it('refuses save, in either form, as not supported (32770)', () => {
    for (const save of ['save', RequestedState.Save] as const) {
      expect(() => stateChangeOperationOf(save)).toThrow(expect.objectContaining({ returnCode: ReturnCode.NotSupported }) as unknown as Error);
      expect(() => stateChangeOperationOf(save)).toThrow(JobError);
    }
  });
});
