import { composeHost } from '@tsvisor/device-sdk/host';
import { InProcessWorkerLauncher } from '@tsvisor/worker-process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AccessDeniedError } from '../authorization/access-denied-error.js';
import { FileInventoryStore } from '../inventory/file-inventory-store.js';
import { DuplicateVmNameError } from '../inventory/duplicate-vm-name-error.js';
import { JobError } from '../jobs/job-error.js';
import { JobState } from '../state/job-state.js';
import { ReturnCode } from '../state/return-code.js';
import { INTEGRATION_DEVICES, INTEGRATION_GUEST, eventually, writeIntegrationHostBuild } from '../daemon/test-fixtures/daemon-fixtures.js';
import type { Caller } from './caller.js';
import { Vmms } from './vmms.js';
import type { VmmsEvent } from './vmms-event.js';
import { VmNotFoundError } from './vm-not-found-error.js';

const admin: Caller = { name: 'admin', role: 'administrator' };
const operator: Caller = { name: 'op', role: 'operator' };
const reader: Caller = { name: 'auditor', role: 'reader' };
const STUBBORN_GUEST = join(dirname(fileURLToPath(import.meta.url)), 'test-fixtures', 'stubborn-guest.js');

let root: string;
let launcher: InProcessWorkerLauncher;
let registry: Awaited<ReturnType<typeof composeHost>>['registry'];
const services: Vmms[] = [];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'tsvisor-vmms-test-'));
  const composition = await composeHost({ hostPackageDir: await writeIntegrationHostBuild(root), conditions: ['@tsvisor/source', 'import', 'default'] });
  registry = composition.registry;
  launcher = new InProcessWorkerLauncher(composition, { workDir: join(root, 'cache'), sampleIntervalMs: 100 });
});

afterEach(async () => {
  await Promise.all(services.splice(0).map((vmms) => vmms.close()));
});

afterAll(async () => {
  await launcher.close();
  await rm(root, { recursive: true, force: true });
});

async function service(name: string): Promise<Vmms> {
  const vmms = new Vmms({
    store: new FileInventoryStore(join(root, name, 'vms')),
    // close() releases the launcher: give each service its own view that leaves the shared one open.
    launcher: { launch: (launch) => launcher.launch(launch), close: async () => undefined },
    resourceRoot: join(root, name, 'resources'),
    registry,
    shutdownTimeoutMs: 5_000,
  });
  await vmms.load();
  services.push(vmms);
  return vmms;
}

function definition(name: string, program = INTEGRATION_GUEST): object {
  return { name, memory: '16M', guest: { program }, devices: INTEGRATION_DEVICES };
}

async function runAndWait(vmms: Vmms, name: string): Promise<void> {
  const { job } = await vmms.requestStateChange(operator, name, 'vm.run');
  expect((await vmms.waitForJob(operator, job!.id)).state).toBe(JobState.Completed);
  await eventually(async () => ((await vmms.get(reader, name)).heartbeat === 'OK' ? true : undefined), `${name} heartbeat OK`);
}

function codeOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => 'resolved',
    (error: unknown) => (error instanceof JobError ? error.returnCode : error),
  );
}

describe('Vmms', () => {
  it('refuses state changes the state model does not allow, with the codes of PROTOCOLS.md §6', async () => {
    const vmms = await service('codes');
    await vmms.define(admin, definition('quiet'));
    expect(await codeOf(vmms.requestStateChange(operator, 'quiet', 'vm.pause'))).toBe(ReturnCode.InvalidState);
    expect(await codeOf(vmms.requestStateChange(operator, 'quiet', 'vm.resume'))).toBe(ReturnCode.InvalidState);
    expect(await codeOf(vmms.requestStateChange(operator, 'quiet', 'vm.reboot'))).toBe(ReturnCode.InvalidState);
    // Asking an Off VM to turn off or shut down asks for the state it is in: done, no job.
    expect(await vmms.requestStateChange(operator, 'quiet', 'vm.off')).toEqual({ returnValue: ReturnCode.Completed });
    expect(await vmms.requestStateChange(operator, 'quiet', 'vm.shutdown')).toEqual({ returnValue: ReturnCode.Completed });
    expect((await vmms.list(reader)).map((vm) => vm.state)).toEqual(['Off']);
  });

  it('pauses, resumes (also by a run request, as Hyper-V does), reboots and turns off a running VM; configuration changes that need Off are refused', async () => {
    const vmms = await service('walk');
    await vmms.define(admin, definition('walker'));
    await runAndWait(vmms, 'walker');
    const changed = async (operation: Parameters<Vmms['requestStateChange']>[2], state: string): Promise<void> => {
      const { returnValue, job } = await vmms.requestStateChange(operator, 'walker', operation);
      expect(returnValue).toBe(ReturnCode.JobStarted);
      expect(await vmms.waitForJob(operator, job!.id)).toMatchObject({ state: JobState.Completed, percentComplete: 100 });
      expect((await vmms.get(reader, 'walker')).state).toBe(state);
    };
    await changed('vm.pause', 'Paused');
    await changed('vm.resume', 'Running');
    await changed('vm.pause', 'Paused');
    await changed('vm.run', 'Running');
    expect(await codeOf(vmms.modify(admin, 'walker', { memory: '32M' }))).toBe(ReturnCode.InvalidState);
    expect(await codeOf(vmms.destroy(admin, 'walker'))).toBe(ReturnCode.InvalidState);
    expect((await vmms.modify(admin, 'walker', { notes: 'renamed while running is fine' })).vm.notes).toBe('renamed while running is fine');
    await changed('vm.reboot', 'Running');
    await eventually(async () => ((await vmms.console(operator, 'walker')).history.split('hello from').length > 2 ? true : undefined), 'a second boot');
    await changed('vm.off', 'Off');
    expect(await vmms.get(reader, 'walker')).toMatchObject({ health: 'OK', heartbeat: 'NoContact', uptimeMs: 0, memoryUsage: 0 });
  });

  it('fails a vetoed guest-assisted shutdown (32768) and leaves the VM running', async () => {
    const vmms = await service('veto');
    await vmms.define(admin, definition('stubborn', STUBBORN_GUEST));
    await runAndWait(vmms, 'stubborn');
    const { job } = await vmms.requestStateChange(operator, 'stubborn', 'vm.shutdown');
    const finished = await vmms.waitForJob(operator, job!.id);
    expect(finished).toMatchObject({ state: JobState.Exception, errorCode: ReturnCode.Failed, errorDescription: expect.stringContaining('refused') });
    expect((await vmms.get(reader, 'stubborn')).state).toBe('Running');
    await eventually(async () => ((await vmms.console(operator, 'stubborn')).history.includes('vetoed: ') ? true : undefined), 'the guest printing its veto');
  });

  it('answers a shutdown request for a VM without the shutdown service with not supported (32770)', async () => {
    const vmms = await service('no-shutdown');
    await vmms.define(admin, { ...definition('bare'), devices: [INTEGRATION_DEVICES[0]] });
    const { job } = await vmms.requestStateChange(operator, 'bare', 'vm.run');
    await vmms.waitForJob(operator, job!.id);
    const shutdown = await vmms.requestStateChange(operator, 'bare', 'vm.shutdown');
    expect(await vmms.waitForJob(operator, shutdown.job!.id)).toMatchObject({ state: JobState.Exception, errorCode: ReturnCode.NotSupported });
  });

  it('reports a VM that cannot start (its guest program is gone, its guest crashes) as a major failure of that VM', async () => {
    const vmms = await service('no-start');
    const program = join(root, 'short-lived.js');
    await writeFile(program, 'export default async function program(machine) { throw new Error("guest crash at boot"); }\n');
    await vmms.define(admin, definition('crashing', program));
    // The guest may crash before or after its partition counts as started: the job may end either way.
    const crashed = await vmms.requestStateChange(operator, 'crashing', 'vm.run');
    await vmms.waitForJob(operator, crashed.job!.id);
    await eventually(async () => ((await vmms.get(reader, 'crashing')).state === 'Off' ? true : undefined), 'crashing is off');
    expect(await vmms.get(reader, 'crashing')).toMatchObject({ health: 'MajorFailure', failure: expect.stringContaining('guest crash at boot') });
    await rm(program);
    const missing = await vmms.requestStateChange(operator, 'crashing', 'vm.run');
    expect(await vmms.waitForJob(operator, missing.job!.id)).toMatchObject({ state: JobState.Exception, errorCode: ReturnCode.Failed });
    expect(await vmms.get(reader, 'crashing')).toMatchObject({ state: 'Off', health: 'MajorFailure', failure: expect.stringContaining('could not be prepared') });
  });

  it('checks definitions: fields, unknown device classes and their configuration, the program file, unique names; nothing is written on refusal', async () => {
    const vmms = await service('define');
    const refused = async (input: object): Promise<unknown> => vmms.define(admin, input).then(() => 'defined', (error: unknown) => error);
    expect(await refused({ ...definition('x'), memory: 'lots' })).toMatchObject({ name: 'DeviceConfigError', field: 'memory' });
    expect(await refused({ ...definition('x'), cpus: 2 })).toMatchObject({ field: 'cpus' });
    expect(await refused({ ...definition('x'), devices: [{ class: 'acme.nothing' }] })).toMatchObject({ field: 'devices[0].class' });
    expect(await refused({ ...definition('x'), devices: [{ class: 'integration.kvp', config: { poolCapacity: 'big' } }] })).toMatchObject({ field: expect.stringMatching(/^devices\[0\]\.config/) });
    expect(await refused({ ...definition('x'), guest: { program: 'relative.js' } })).toMatchObject({ field: 'guest.program' });
    expect(await refused({ ...definition('x'), guest: { program: join(root, 'missing.js') } })).toMatchObject({ field: 'guest.program' });
    await expect(readdir(join(root, 'define', 'vms'))).rejects.toMatchObject({ code: 'ENOENT' });
    await vmms.define(admin, definition('unique'));
    expect(await refused(definition('UNIQUE'))).toBeInstanceOf(DuplicateVmNameError);
    expect(await vmms.list(reader)).toHaveLength(1);
  });

  it('authorizes by role: a reader reads, an operator operates, only an administrator configures', async () => {
    const vmms = await service('roles');
    await expect(vmms.define(reader, definition('nope'))).rejects.toBeInstanceOf(AccessDeniedError);
    await expect(vmms.define(operator, definition('nope'))).rejects.toBeInstanceOf(AccessDeniedError);
    await vmms.define(admin, definition('mine'));
    await expect(vmms.requestStateChange(reader, 'mine', 'vm.run')).rejects.toBeInstanceOf(AccessDeniedError);
    await expect(vmms.console(reader, 'mine')).rejects.toBeInstanceOf(AccessDeniedError);
    await expect(vmms.destroy(operator, 'mine')).rejects.toBeInstanceOf(AccessDeniedError);
    expect(await vmms.list(reader)).toHaveLength(1);
    await expect(vmms.get(reader, 'yours')).rejects.toBeInstanceOf(VmNotFoundError);
  });

  it('streams events: definition, state changes with summaries, jobs, destruction', async () => {
    const vmms = await service('events');
    const events: VmmsEvent[] = [];
    const subscription = vmms.events(reader).subscribe((event) => events.push(event));
    const { vm } = await vmms.define(admin, definition('evented'));
    await runAndWait(vmms, 'evented');
    const { job } = await vmms.requestStateChange(operator, 'evented', 'vm.off');
    await vmms.waitForJob(operator, job!.id);
    await vmms.destroy(admin, 'evented');
    subscription.unsubscribe();
    expect(events.find((event) => event.type === 'vm-defined')).toMatchObject({ vm: { id: vm.id, state: 'Off' } });
    const states = events.flatMap((event) => (event.type === 'vm-state' ? [event.vm.state] : []));
    expect(states).toEqual(expect.arrayContaining(['Starting', 'Running', 'Stopping', 'Off']));
    expect(states.indexOf('Running')).toBeLessThan(states.lastIndexOf('Off'));
    expect(events.filter((event) => event.type === 'job').map((event) => event.type === 'job' && event.job.operation)).toEqual(expect.arrayContaining(['vm.define', 'vm.run', 'vm.off', 'vm.destroy']));
    expect(events.at(-1)).toMatchObject({ type: 'job', job: { operation: 'vm.destroy', state: JobState.Completed } });
    expect(events).toContainEqual({ type: 'vm-destroyed', id: vm.id, name: 'evented' });
  });
});
