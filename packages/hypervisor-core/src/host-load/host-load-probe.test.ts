import { describe, expect, it } from 'vitest';
import { HostLoadProbe } from './host-load-probe.js';

/** A probe of a 2-CPU host whose run queue holds `state.runnable` threads at time `state.now`; counts its reads. */
function probeOf(state: { runnable: number | undefined; now: number; reads: number }): HostLoadProbe {
  return new HostLoadProbe(
    () => {
      state.reads++;
      return state.runnable;
    },
    2,
    () => state.now,
    1,
  );
}

describe('HostLoadProbe', () => {
  it('says overcommitted when more threads are runnable than there are CPUs', () => {
    const state = { runnable: 2 as number | undefined, now: 0, reads: 0 };
    const probe = probeOf(state);
    expect(probe.overcommitted()).toBe(false);
    state.runnable = 3;
    state.now = 5;
    expect(probe.overcommitted()).toBe(true);
  });

  it('reads the run queue at most once per millisecond', () => {
    const state = { runnable: 5 as number | undefined, now: 10, reads: 0 };
    const probe = probeOf(state);
    expect(probe.overcommitted()).toBe(true);
    state.runnable = 1;
    state.now = 10.5;
    expect(probe.overcommitted()).toBe(true);
    expect(state.reads).toBe(1);
    state.now = 11;
    expect(probe.overcommitted()).toBe(false);
    expect(state.reads).toBe(2);
  });

  it('says not overcommitted when the host does not say', () => {
    expect(probeOf({ runnable: undefined, now: 0, reads: 0 }).overcommitted()).toBe(false);
  });
});
