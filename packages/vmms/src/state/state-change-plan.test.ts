import { describe, expect, it } from 'vitest';
import { EnabledState } from './enabled-state.js';
import { RequestedState } from './requested-state.js';
import { ReturnCode } from './return-code.js';
import { returnCodeOfPlan, stateChangePlan, type StateChangePlan } from './state-change-plan.js';

/**
 * The expected plan for every (state × request) pair, written out by hand.
 * `invalid` → 32775, `unsupported` → 32770, `no-op` → 0, otherwise the states passed through,
 * `transient > … > final`.
 */
const expected: Record<keyof typeof EnabledState, Record<keyof typeof RequestedState, string>> = {
  Off: {
    Run: 'Starting > Running', Off: 'no-op', ShutDown: 'no-op', Reboot: 'invalid', Reset: 'invalid',
    Pause: 'invalid', Save: 'unsupported',
  },
  Running: {
    Run: 'no-op', Off: 'Stopping > Off', ShutDown: 'ShuttingDown > Off', Reboot: 'Stopping > Starting > Running',
    Reset: 'Stopping > Starting > Running', Pause: 'Pausing > Paused', Save: 'unsupported',
  },
  Paused: {
    Run: 'Resuming > Running', Off: 'Stopping > Off', ShutDown: 'invalid', Reboot: 'Stopping > Starting > Running',
    Reset: 'Stopping > Starting > Running', Pause: 'no-op', Save: 'unsupported',
  },
  Saved: {
    Run: 'unsupported', Off: 'Stopping > Off', ShutDown: 'invalid', Reboot: 'invalid', Reset: 'invalid',
    Pause: 'invalid', Save: 'unsupported',
  },
  ShuttingDown: {
    Run: 'invalid', Off: 'invalid', ShutDown: 'invalid', Reboot: 'invalid', Reset: 'invalid', Pause: 'invalid',
    Save: 'unsupported',
  },
  Starting: {
    Run: 'invalid', Off: 'invalid', ShutDown: 'invalid', Reboot: 'invalid', Reset: 'invalid', Pause: 'invalid',
    Save: 'unsupported',
  },
  StartingTransient: {
    Run: 'invalid', Off: 'invalid', ShutDown: 'invalid', Reboot: 'invalid', Reset: 'invalid', Pause: 'invalid',
    Save: 'unsupported',
  },
  Saving: {
    Run: 'invalid', Off: 'invalid', ShutDown: 'invalid', Reboot: 'invalid', Reset: 'invalid', Pause: 'invalid',
    Save: 'unsupported',
  },
  Stopping: {
    Run: 'invalid', Off: 'invalid', ShutDown: 'invalid', Reboot: 'invalid', Reset: 'invalid', Pause: 'invalid',
    Save: 'unsupported',
  },
  Pausing: {
    Run: 'invalid', Off: 'invalid', ShutDown: 'invalid', Reboot: 'invalid', Reset: 'invalid', Pause: 'invalid',
    Save: 'unsupported',
  },
  Resuming: {
    Run: 'invalid', Off: 'invalid', ShutDown: 'invalid', Reboot: 'invalid', Reset: 'invalid', Pause: 'invalid',
    Save: 'unsupported',
  },
};

const stateName = new Map(Object.entries(EnabledState).map(([name, code]) => [code as number, name]));

function describePlan(plan: StateChangePlan): string {
  switch (plan.kind) {
    case 'invalid-state':
      return 'invalid';
    case 'not-supported':
      return 'unsupported';
    case 'no-op':
      return 'no-op';
    case 'transition':
      return [plan.transient, ...plan.via, plan.final].map((code) => stateName.get(code)).join(' > ');
  }
}

const pairs = Object.entries(EnabledState).flatMap(([state, stateCode]) =>
  Object.entries(RequestedState).map(([request, requestCode]) => ({
    state: state as keyof typeof EnabledState,
    request: request as keyof typeof RequestedState,
    stateCode,
    requestCode,
  })),
);

describe('stateChangePlan', () => {
  it('covers all 11 states × 7 requests', () => {
    expect(pairs).toHaveLength(77);
    expect(Object.keys(expected).sort()).toEqual(Object.keys(EnabledState).sort());
  });

  it.each(pairs)('$state + $request', ({ state, request, stateCode, requestCode }) => {
    expect(describePlan(stateChangePlan(stateCode, requestCode))).toBe(expected[state][request]);
  });

  it('starts an Off VM through Starting (10), never the vendor code 32770', () => {
    expect(stateChangePlan(EnabledState.Off, RequestedState.Run)).toEqual({
      kind: 'transition',
      transient: 10,
      via: [],
      final: 2,
    });
  });

  it('hands out plans that callers cannot change', () => {
    const plan = stateChangePlan(EnabledState.Running, RequestedState.Reboot);
    expect(Object.isFrozen(plan)).toBe(true);
    expect(plan.kind === 'transition' && Object.isFrozen(plan.via)).toBe(true);
  });
});

describe('returnCodeOfPlan', () => {
  it('answers 32775, 32770, 0 and 4096 for invalid state, not supported, no-op and a transition', () => {
    expect(returnCodeOfPlan(stateChangePlan(EnabledState.Off, RequestedState.Pause))).toBe(ReturnCode.InvalidState);
    expect(returnCodeOfPlan(stateChangePlan(EnabledState.Running, RequestedState.Save))).toBe(ReturnCode.NotSupported);
    expect(returnCodeOfPlan(stateChangePlan(EnabledState.Running, RequestedState.Run))).toBe(ReturnCode.Completed);
    expect(returnCodeOfPlan(stateChangePlan(EnabledState.Running, RequestedState.Off))).toBe(ReturnCode.JobStarted);
  });
});
