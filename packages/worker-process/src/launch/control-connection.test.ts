import { DeviceConfigError } from '@tsvisor/device-sdk';
import { describe, expect, it } from 'vitest';
import type { WorkerCommand } from '../control/control-messages.js';
import { ControlConnection } from './control-connection.js';
import { WorkerCommandError } from './worker-command-error.js';
import { WorkerGoneError } from './worker-gone-error.js';

function connection(): { connection: ControlConnection; sent: WorkerCommand[]; violations: Error[] } {
  const sent: WorkerCommand[] = [];
  const violations: Error[] = [];
  return { connection: new ControlConnection((command) => sent.push(command), (error) => violations.push(error)), sent, violations };
}

describe('ControlConnection', () => {
  it('numbers commands and resolves each with its own reply, in any order', async () => {
    const { connection: c, sent } = connection();
    const pause = c.request({ kind: 'pause' });
    const resume = c.request({ kind: 'resume' });
    expect(sent.map((command) => [command.kind, command.id])).toEqual([['pause', 1], ['resume', 2]]);
    c.receive({ kind: 'reply', id: 2, ok: true, value: 'second' });
    c.receive({ kind: 'reply', id: 1, ok: true, value: 'first' });
    expect(await pause).toBe('first');
    expect(await resume).toBe('second');
  });

  it('rebuilds a DeviceConfigError naming the field, and other errors as WorkerCommandError', async () => {
    const { connection: c } = connection();
    const invalid = c.request({ kind: 'invoke', instanceId: 'i', operation: 'o', input: {} });
    c.receive({ kind: 'reply', id: 1, ok: false, error: { name: 'DeviceConfigError', message: 'pool: must be one of …', field: 'pool' } });
    const error = await invalid.catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(DeviceConfigError);
    expect(error).toMatchObject({ field: 'pool', problem: 'must be one of …' });
    const failing = c.request({ kind: 'reset' });
    c.receive({ kind: 'reply', id: 2, ok: false, error: { name: 'RangeError', message: 'no' } });
    await expect(failing).rejects.toBeInstanceOf(WorkerCommandError);
  });

  it('reports a malformed message as a violation and drops it; ignores replies nobody waits for', () => {
    const { connection: c, violations } = connection();
    const seen: unknown[] = [];
    c.reports$.subscribe((report) => seen.push(report));
    c.receive({ kind: 'console', text: 7 });
    c.receive({ kind: 'reply', id: 99, ok: true, value: null });
    c.receive({ kind: 'console', text: 'fine' });
    expect(violations).toHaveLength(1);
    expect(seen).toEqual([{ kind: 'console', text: 'fine' }]);
  });

  it('fails pending and later commands once the worker is gone, and ends the reports', async () => {
    const { connection: c } = connection();
    let completed = false;
    c.reports$.subscribe({ complete: () => (completed = true) });
    const pending = c.request({ kind: 'off' });
    c.close('the worker process was killed by SIGKILL');
    await expect(pending).rejects.toBeInstanceOf(WorkerGoneError);
    await expect(c.request({ kind: 'off' })).rejects.toThrow(/SIGKILL/);
    expect(completed).toBe(true);
  });

  it('fails a command the worker does not answer in time', async () => {
    const { connection: c } = connection();
    await expect(c.request({ kind: 'pause' }, 20)).rejects.toThrow(/did not answer pause within 20 ms/);
  });
});
