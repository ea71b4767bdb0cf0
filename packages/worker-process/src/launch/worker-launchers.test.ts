import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { filter, firstValueFrom, toArray, type Observable } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostComposition } from '@tsvisor/device-sdk/host';
import { MAX_HALT_POLL_US } from '@tsvisor/hypervisor-core';
import type { MotherboardReport } from '../motherboard/virtual-motherboard.js';
import { hostFileComposition, hostFileVm } from '../test-fixtures/host-file-composition.js';
import { writeCrashingProgram, writeReadFilesProgram, writeSpinningProgram } from '../test-fixtures/guest-programs.js';
import { ChildProcessWorkerLauncher } from './child-process-worker-launcher.js';
import { InProcessWorkerLauncher } from './in-process-worker-launcher.js';
import type { VmWorker, VmWorkerLauncher } from './vm-worker.js';

let dir: string;
let composition: HostComposition;
let secret: string;
let resourceDir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tsvisor-worker-test-'));
  composition = await hostFileComposition(dir);
  secret = join(dir, 'host-secret.txt');
  await writeFile(secret, 'the host secret');
  resourceDir = join(dir, 'vm-resources');
  await import('node:fs/promises').then((fs) => fs.mkdir(resourceDir));
  await writeFile(join(resourceDir, 'own.txt'), 'the VM own file');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Console text of `worker` until `text` shows (or the reports end). */
function consoleUntil(reports$: Observable<MotherboardReport>, text: string): Promise<string> {
  let seen = '';
  return new Promise((resolve, reject) => {
    const subscription = reports$.subscribe({
      next: (report) => {
        if (report.kind !== 'console') return;
        seen += report.text;
        if (seen.includes(text)) {
          subscription.unsubscribe();
          resolve(seen);
        }
      },
      complete: () => reject(new Error(`the reports ended before the console showed ${text}; it showed:\n${seen}`)),
    });
  });
}

function collect(worker: VmWorker): Promise<MotherboardReport[]> {
  return firstValueFrom(worker.reports$.pipe(toArray()));
}

describe.each([
  ['in-process', (c: HostComposition) => new InProcessWorkerLauncher(c, { workDir: join(dir, 'work-in'), sampleIntervalMs: 50 })],
  ['child process', (c: HostComposition) => new ChildProcessWorkerLauncher(c, { workDir: join(dir, 'work-child'), sampleIntervalMs: 50 })],
] as const)('%s worker', (mode, makeLauncher) => {
  let launcher: VmWorkerLauncher;
  beforeAll(() => {
    launcher = makeLauncher(composition);
  });
  afterAll(() => launcher.close());

  it('boots the VM from its spec, reports state, heartbeat, devices, console and samples, and ends cleanly when the guest halts', async () => {
    const program = await writeReadFilesProgram(dir, [join(resourceDir, 'own.txt')]);
    const worker = await launcher.launch({ vm: hostFileVm('halting'), program, resourceDir });
    const reports = collect(worker);
    await worker.start();
    const exit = await worker.exited;
    expect(exit).toMatchObject({ clean: true });
    const all = await reports;
    const states = all.flatMap((r) => (r.kind === 'state' ? [r.state] : []));
    expect(states).toEqual(['starting', 'running', 'stopping', 'off']);
    expect(all).toContainEqual({ kind: 'heartbeat', heartbeat: 'ok' });
    expect(all).toContainEqual({
      kind: 'devices',
      devices: [
        {
          class: 'test.host-file',
          instanceId: '11111111-2222-4333-8444-555555555555',
          operations: [
            { name: 'reads', description: 'How many files the guest asked for' },
            { name: 'grant', description: 'Whom the host process granted the device to' },
          ],
        },
      ],
    });
    const console = all.flatMap((r) => (r.kind === 'console' ? [r.text] : [])).join('');
    expect(console).toContain(`read ${join(resourceDir, 'own.txt')}: 0 the VM own file`);
    expect(console).toContain('reads done');
  });

  it('runs management operations, validates their input naming the field, and turns the VM off on request', async () => {
    const program = await writeReadFilesProgram(dir, [join(resourceDir, 'own.txt')], true);
    const worker = await launcher.launch({ vm: hostFileVm('operated'), program, resourceDir });
    const done = consoleUntil(worker.reports$, 'reads done');
    const sample = firstValueFrom(worker.reports$.pipe(filter((r) => r.kind === 'sample')));
    await worker.start();
    await done;
    expect(await worker.request({ kind: 'invoke', instanceId: '11111111-2222-4333-8444-555555555555', operation: 'reads', input: { plus: 2 } })).toEqual({ reads: 3 });
    await expect(worker.request({ kind: 'invoke', instanceId: '11111111-2222-4333-8444-555555555555', operation: 'reads', input: { plus: 'x' } })).rejects.toMatchObject({
      name: 'DeviceConfigError',
      field: 'plus',
    });
    await expect(worker.request({ kind: 'invoke', instanceId: '11111111-2222-4333-8444-555555555555', operation: 'nope', input: {} })).rejects.toMatchObject({
      remoteName: 'DeviceOperationNotFoundError',
    });
    await expect(worker.request({ kind: 'shutdown', reason: 'test', restart: false, timeoutMs: 1000 })).rejects.toMatchObject({
      remoteName: 'GuestShutdownUnavailableError',
    });
    const report = await sample;
    expect(report.kind === 'sample' && report.sample.memoryBytes).toBe(8 * 1024 * 1024);
    await worker.request({ kind: 'pause' });
    await worker.request({ kind: 'resume' });
    await worker.request({ kind: 'off' });
    expect(await worker.exited).toMatchObject({ clean: true });
  });

  it('turns off a guest that spins forever', async () => {
    const worker = await launcher.launch({ vm: hostFileVm('spinning'), program: await writeSpinningProgram(dir), resourceDir });
    const spinning = consoleUntil(worker.reports$, 'spinning');
    await worker.start();
    await spinning;
    await worker.request({ kind: 'off' });
    expect(await worker.exited).toMatchObject({ clean: true });
  });

  it('reports a guest crash as failed and ends the worker', async () => {
    const worker = await launcher.launch({ vm: hostFileVm('crashing'), program: await writeCrashingProgram(dir), resourceDir });
    const reports = collect(worker);
    await worker.start().catch(() => undefined);
    await worker.exited;
    const failed = (await reports).find((r) => r.kind === 'state' && r.state === 'failed');
    expect(failed).toMatchObject({ kind: 'state', state: 'failed', reason: expect.stringContaining('guest crash') });
  });

  it('hands a device in a worker process of its own what the host process granted it, and revokes it when the worker is gone', async () => {
    const factory = composition.registry.factory('test.host-file') as unknown as { revocations: string[] };
    const child = mode === 'child process';
    const name = `granted-${child ? 'child' : 'in'}`;
    const worker = await launcher.launch({ vm: hostFileVm(name), program: await writeReadFilesProgram(dir, [], true), resourceDir });
    await worker.start();
    const { grantedTo } = (await worker.request({ kind: 'invoke', instanceId: '11111111-2222-4333-8444-555555555555', operation: 'grant', input: {} })) as { grantedTo: string };
    // In-process, the VSP runs in the host process itself: it needs no grant.
    expect(grantedTo).toBe(child ? name : 'none');
    expect(factory.revocations).not.toContain(name);
    await worker.request({ kind: 'off' });
    await worker.exited;
    expect(factory.revocations.filter((vm) => vm === name)).toEqual(child ? [name] : []);
  });
});

describe('child process worker', () => {
  let launcher: ChildProcessWorkerLauncher;
  beforeAll(() => {
    launcher = new ChildProcessWorkerLauncher(composition, { workDir: join(dir, 'work-perm'), sampleIntervalMs: 1000 });
  });
  afterAll(() => launcher.close());

  it('keeps a guest from host files under the permission model, even through a careless VSP', async () => {
    const program = await writeReadFilesProgram(dir, [secret, '/etc/passwd', join(resourceDir, 'own.txt')]);
    const worker = await launcher.launch({ vm: hostFileVm('prying'), program, resourceDir });
    const console = consoleUntil(worker.reports$, 'reads done');
    await worker.start();
    const text = await console;
    expect(text).toContain(`read ${secret}: 1 ERR_ACCESS_DENIED`);
    expect(text).toContain('read /etc/passwd: 1 ERR_ACCESS_DENIED');
    expect(text).toContain(`read ${join(resourceDir, 'own.txt')}: 0 the VM own file`);
    expect(text).not.toContain('the host secret');
    await worker.exited;
  });

  it('ends a worker process that breaks the control protocol', async () => {
    const program = await writeReadFilesProgram(dir, [], true);
    const vm = { ...hostFileVm('rogue'), devices: [...hostFileVm('rogue').devices, { class: 'test.rogue-worker', instanceId: '11111111-2222-4333-8444-666666666666', config: {} }] };
    const worker = await launcher.launch({ vm, program, resourceDir });
    // The bad report may come before the start is answered; either way the worker ends.
    await worker.start().catch(() => undefined);
    expect(await worker.exited).toMatchObject({ clean: false, signal: 'SIGKILL', reason: expect.stringContaining('bad control message') });
  });

  it('grants the files a device declares it needs, and only those', async () => {
    const granted = join(dir, 'granted.txt');
    await writeFile(granted, 'a file the device asked for');
    const program = await writeReadFilesProgram(dir, [granted, secret]);
    const vm = hostFileVm('granted');
    const worker = await launcher.launch({ vm: { ...vm, devices: [{ ...vm.devices[0]!, config: { readable: [granted] } }] }, program, resourceDir });
    const console = consoleUntil(worker.reports$, 'reads done');
    await worker.start();
    const text = await console;
    expect(text).toContain(`read ${granted}: 0 a file the device asked for`);
    expect(text).toContain(`read ${secret}: 1 ERR_ACCESS_DENIED`);
    await worker.exited;
  });

  it('gives the partition the halt polling of the spec: off boots, beyond the limit is refused naming the field', async () => {
    const program = await writeReadFilesProgram(dir, []);
    const worker = await launcher.launch({ vm: { ...hostFileVm('no-halt-poll'), haltPollUs: 0 }, program, resourceDir });
    await worker.start();
    await worker.exited;
    const refused = await launcher.launch({ vm: { ...hostFileVm('too-long-halt-poll'), haltPollUs: MAX_HALT_POLL_US + 1 }, program, resourceDir });
    const reports = collect(refused);
    await expect(refused.start()).rejects.toThrow(/haltPollUs/);
    // The VM is off for good, and its worker ends by itself (before, it stayed up until killed).
    await refused.exited;
    expect((await reports).find((r) => r.kind === 'state')).toMatchObject({ kind: 'state', state: 'failed', reason: expect.stringContaining('haltPollUs') });
  });

  it('refuses to launch a VM whose device asks for a relative path', async () => {
    const vm = hostFileVm('relative');
    await expect(
      launcher.launch({ vm: { ...vm, devices: [{ ...vm.devices[0]!, config: { readable: ['etc/passwd'] } }] }, program: await writeReadFilesProgram(dir, []), resourceDir }),
    ).rejects.toMatchObject({ name: 'DeviceConfigError', field: 'devices[0].config' });
  });

  it('reports SIGKILL of the worker process as an unclean exit and fails its pending commands', async () => {
    const program = await writeReadFilesProgram(dir, [], true);
    const worker = await launcher.launch({ vm: hostFileVm('killed'), program, resourceDir });
    await worker.start();
    expect(worker.pid).toBeGreaterThan(0);
    process.kill(worker.pid!, 'SIGKILL');
    const pending = worker.request({ kind: 'pause' });
    await expect(pending).rejects.toMatchObject({ name: 'WorkerGoneError' });
    expect(await worker.exited).toMatchObject({ clean: false, signal: 'SIGKILL' });
  });
});
