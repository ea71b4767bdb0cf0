import { describe, expect, it } from 'vitest';
import { RequestedState } from '../state/requested-state.js';
import { isManagementOperation, isStateChangeOperation, managementOperations } from './management-operation.js';

describe('managementOperations', () => {
  it('names exactly the state changes that take part in the one-change-per-VM rule', () => {
    const stateChanges = Object.keys(managementOperations).filter(isManagementOperation).filter(isStateChangeOperation);
    expect(stateChanges.sort()).toEqual(
      ['vm.off', 'vm.pause', 'vm.reboot', 'vm.reset', 'vm.resume', 'vm.run', 'vm.shutdown'].sort(),
    );
  });

  it('maps each state change to its RequestStateChange code; resume is run', () => {
    expect(managementOperations['vm.run'].requestedState).toBe(RequestedState.Run);
    expect(managementOperations['vm.resume'].requestedState).toBe(RequestedState.Run);
    expect(managementOperations['vm.shutdown'].requestedState).toBe(RequestedState.ShutDown);
    expect(managementOperations['vm.off'].requestedState).toBe(RequestedState.Off);
  });

  it('recognizes operation names from untrusted input, and nothing inherited', () => {
    expect(isManagementOperation('vm.define')).toBe(true);
    expect(isManagementOperation('toString')).toBe(false);
    expect(isManagementOperation(42)).toBe(false);
  });
});
