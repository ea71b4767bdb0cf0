import { DeviceConfigError } from '@tsvisor/device-sdk';
import { DeviceClassRegistry, VirtualSwitchInUseError, VirtualSwitchNameTakenError, VirtualSwitchNotFoundError } from '@tsvisor/device-sdk/host';
import type { VmLaunch, VmWorkerLauncher } from '@tsvisor/worker-process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AccessDeniedError } from '../authorization/access-denied-error.js';
import { FileInventoryStore } from '../inventory/file-inventory-store.js';
import { FileVirtualSwitchStore } from '../inventory/file-virtual-switch-store.js';
import type { VirtualSwitchStore } from '../inventory/virtual-switch-store.js';
import { JobError } from '../jobs/job-error.js';
import { JobState } from '../state/job-state.js';
import { ReturnCode } from '../state/return-code.js';
import type { Caller } from './caller.js';
import { fixtureNetworkAdapterFactory } from './test-fixtures/fixture-network-adapter-class.js';
import { FixtureVirtualSwitchManagement } from './test-fixtures/fixture-virtual-switch-management.js';
import { Vmms } from './vmms.js';

const admin: Caller = { name: 'admin', role: 'administrator' };
const operator: Caller = { name: 'op', role: 'operator' };
const reader: Caller = { name: 'auditor', role: 'reader' };

let root: string;
let guestProgram: string;
/** Every launch asked of the launcher: these tests never start a worker, they only see whether one was asked for. */
let launches: VmLaunch[];
const services: Vmms[] = [];

const launcher: VmWorkerLauncher = {
  launch: async (launch) => {
    launches.push(launch);
    throw new Error('this test launches no worker');
  },
  close: async () => undefined,
};

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'tsvisor-vmms-switches-'));
  guestProgram = join(root, 'guest.js');
  await writeFile(guestProgram, 'export default async function program() {}\n');
  launches = [];
});

afterEach(async () => {
  await Promise.all(services.splice(0).map((vmms) => vmms.close()));
  await rm(root, { recursive: true, force: true });
});

/** A VMMS over `<root>/vms` and `<root>/switches`, with `switches` as the host's switch service (none: no service). */
async function service(switches: FixtureVirtualSwitchManagement | undefined, switchStore: VirtualSwitchStore = new FileVirtualSwitchStore(join(root, 'switches'))): Promise<Vmms> {
  const vmms = new Vmms({
    store: new FileInventoryStore(join(root, 'vms')),
    switchStore,
    launcher,
    resourceRoot: join(root, 'resources'),
    registry: new DeviceClassRegistry([fixtureNetworkAdapterFactory]),
    ...(switches === undefined ? {} : { virtualSwitches: switches }),
  });
  await vmms.load();
  services.push(vmms);
  return vmms;
}

async function switchFiles(): Promise<Record<string, unknown>> {
  const dir = join(root, 'switches');
  const names = await readdir(dir).catch(() => [] as string[]);
  return Object.fromEntries(await Promise.all(names.sort().map(async (name) => [name, JSON.parse(await readFile(join(dir, name), 'utf8')) as unknown] as const)));
}

function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => 'resolved',
    (error: unknown) => error,
  );
}

describe('Vmms virtual switches', () => {
  it('creates, lists, reads and deletes switches, each as a completed job, keeping one <name>.json file per switch', async () => {
    const switches = new FixtureVirtualSwitchManagement();
    const vmms = await service(switches);

    const created = await vmms.createSwitch(admin, { name: 'lan', kind: 'private', notes: 'web tier', maxPorts: 8 });
    await vmms.createSwitch(admin, { name: 'host-net', kind: 'internal', macAgingSeconds: 60 });

    expect(created.job).toMatchObject({ operation: 'switch.create', state: JobState.Completed });
    expect(created.switch).toMatchObject({ name: 'lan', kind: 'private', notes: 'web tier', maxPorts: 8, up: true, ports: [], counters: { framesForwarded: 0 } });
    expect(switches.list().map((status) => status.name)).toEqual(['host-net', 'lan']);
    expect(vmms.listSwitches(reader).map((details) => [details.name, details.kind])).toEqual([['host-net', 'internal'], ['lan', 'private']]);
    expect(await switchFiles()).toEqual({
      'host-net.json': { schemaVersion: 1, name: 'host-net', kind: 'internal', macAgingSeconds: 60, createdAt: expect.any(String) as unknown },
      'lan.json': { schemaVersion: 1, name: 'lan', kind: 'private', notes: 'web tier', maxPorts: 8, createdAt: created.switch.createdAt },
    });

    switches.attachPort('lan', { name: 'web-01-nic0', vm: 'web-01', macAddress: '00-15-5D-01-02-03', vlan: { mode: 'access', vlanId: 10 }, counters: { framesIn: 7 } });
    expect(vmms.getSwitch(reader, 'LAN')).toMatchObject({
      name: 'lan',
      ports: [{ name: 'web-01-nic0', vm: 'web-01', macAddress: '00-15-5D-01-02-03', vlan: { mode: 'access', vlanId: 10 }, counters: { framesIn: 7 } }],
      counters: { framesForwarded: 7 },
    });

    const { job } = await vmms.deleteSwitch(admin, 'host-net');
    expect(job).toMatchObject({ operation: 'switch.delete', state: JobState.Completed });
    expect(switches.get('host-net')).toBeUndefined();
    expect(Object.keys(await switchFiles())).toEqual(['lan.json']);
    expect(() => vmms.getSwitch(reader, 'host-net')).toThrow(new VirtualSwitchNotFoundError('host-net'));
  });

  it('brings the switches of the inventory up again when the VMMS restarts', async () => {
    const before = await service(new FixtureVirtualSwitchManagement());
    await before.createSwitch(admin, { name: 'lan', kind: 'private', maxPorts: 4 });
    await before.createSwitch(admin, { name: 'gone', kind: 'private' });
    await before.deleteSwitch(admin, 'gone');
    await before.close();

    const switches = new FixtureVirtualSwitchManagement();
    const after = await service(switches);

    expect(switches.calls).toEqual(['create lan']);
    expect(after.listSwitches(reader)).toEqual([expect.objectContaining({ name: 'lan', kind: 'private', maxPorts: 4, up: true })]);
    expect(after.inventoryProblems(reader)).toEqual([]);
  });

  it('reports a corrupt or invalid switch file naming the file and the field, and loads the others', async () => {
    await mkdir(join(root, 'switches'), { recursive: true });
    const createdAt = new Date().toISOString();
    await writeFile(join(root, 'switches', 'lan.json'), JSON.stringify({ schemaVersion: 1, name: 'lan', kind: 'private', createdAt }));
    await writeFile(join(root, 'switches', 'broken.json'), '{ "schemaVersion": 1, "name":');
    await writeFile(join(root, 'switches', 'tiny.json'), JSON.stringify({ schemaVersion: 1, name: 'tiny', kind: 'private', maxPorts: 0, createdAt }));
    await writeFile(join(root, 'switches', 'other.json'), JSON.stringify({ schemaVersion: 1, name: 'elsewhere', kind: 'private', createdAt }));
    await writeFile(join(root, 'switches', 'future.json'), JSON.stringify({ schemaVersion: 2, name: 'future', kind: 'private', createdAt }));
    await writeFile(join(root, 'switches', 'external.json'), JSON.stringify({ schemaVersion: 1, name: 'external', kind: 'external', createdAt }));

    const switches = new FixtureVirtualSwitchManagement();
    const vmms = await service(switches);

    expect(switches.list().map((status) => status.name)).toEqual(['lan']);
    expect(vmms.listSwitches(reader).map((details) => [details.name, details.up])).toEqual([['external', false], ['lan', true]]);
    const file = (name: string): string => join(root, 'switches', name);
    expect(vmms.inventoryProblems(reader)).toEqual([
      { file: file('broken.json'), field: '', problem: expect.stringMatching(/^is not valid JSON/) as unknown },
      { file: file('future.json'), field: 'schemaVersion', problem: 'is 2; this VMMS reads version 1 only' },
      { file: file('other.json'), field: 'name', problem: 'is elsewhere, but the file is named for virtual switch other' },
      { file: file('tiny.json'), field: 'maxPorts', problem: 'must be an integer between 1 and 4096, got 0' },
      { file: file('external.json'), field: 'kind', problem: 'not brought up: must be one of private, internal' },
    ]);
  });

  it('refuses a name another switch has, in any case, and a field it cannot take, naming the field; nothing is written', async () => {
    const switches = new FixtureVirtualSwitchManagement();
    const vmms = await service(switches);
    await vmms.createSwitch(admin, { name: 'lan', kind: 'private' });
    const files = await switchFiles();

    const taken = await failureOf(vmms.createSwitch(admin, { name: 'LAN', kind: 'internal' }));
    expect(taken).toBeInstanceOf(VirtualSwitchNameTakenError);
    expect(taken).toMatchObject({ field: 'name', message: 'name: "LAN" is already the name of virtual switch "lan"' });
    expect(await failureOf(vmms.createSwitch(admin, { name: '../etc', kind: 'private' }))).toMatchObject({ name: 'DeviceConfigError', field: 'name' });
    expect(await failureOf(vmms.createSwitch(admin, { name: 'x'.repeat(65), kind: 'private' }))).toMatchObject({ field: 'name' });
    expect(await failureOf(vmms.createSwitch(admin, { name: 'wan', kind: 'external' }))).toEqual(new DeviceConfigError('kind', 'unknown switch kind "external"; this host has private, internal'));
    expect(await failureOf(vmms.createSwitch(admin, { name: 'wan', kind: 'private', maxPorts: 0 }))).toMatchObject({ field: 'maxPorts' });
    expect(await failureOf(vmms.createSwitch(admin, { name: 'wan', kind: 'private', colour: 'red' }))).toMatchObject({ field: 'colour' });

    expect(await switchFiles()).toEqual(files);
    expect(switches.list().map((status) => status.name)).toEqual(['lan']);
  });

  it('takes a new switch down again when its definition cannot be written', async () => {
    const switches = new FixtureVirtualSwitchManagement();
    const failing: VirtualSwitchStore = {
      scan: async () => ({ switches: [], problems: [], removedTempFiles: [] }),
      put: async () => {
        throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
      },
      delete: async () => false,
      locationOf: (name) => name,
    };
    const vmms = await service(switches, failing);

    const failure = await failureOf(vmms.createSwitch(admin, { name: 'lan', kind: 'private' }));

    expect(failure).toMatchObject({ message: expect.stringContaining('ENOSPC') as unknown });
    expect(switches.calls).toEqual(['create lan', 'delete lan']);
    expect(vmms.listSwitches(reader)).toEqual([]);
  });

  it('refuses to delete a switch while VM ports are attached, naming the switch; nothing changes', async () => {
    const switches = new FixtureVirtualSwitchManagement();
    const vmms = await service(switches);
    await vmms.createSwitch(admin, { name: 'lan', kind: 'private' });
    switches.attachPort('lan', { name: 'nic0', vm: 'web-01', counters: {} });

    const refused = await failureOf(vmms.deleteSwitch(admin, 'lan'));

    expect(refused).toBeInstanceOf(VirtualSwitchInUseError);
    expect((refused as Error).message).toBe('virtual switch "lan" is in use: 1 port(s) attached (nic0 (web-01)); disconnect them first');
    expect(Object.keys(await switchFiles())).toEqual(['lan.json']);
    expect(vmms.getSwitch(reader, 'lan').up).toBe(true);

    switches.detachPort('lan', 'nic0');
    await vmms.deleteSwitch(admin, 'lan');
    expect(await switchFiles()).toEqual({});
  });

  it('lets a reader list and read switches, and only an administrator create or delete them', async () => {
    const vmms = await service(new FixtureVirtualSwitchManagement());
    await vmms.createSwitch(admin, { name: 'lan', kind: 'private' });

    expect(vmms.listSwitches(reader)).toHaveLength(1);
    expect(vmms.getSwitch(reader, 'lan').name).toBe('lan');
    for (const caller of [reader, operator]) {
      await expect(vmms.createSwitch(caller, { name: 'wan', kind: 'private' })).rejects.toBeInstanceOf(AccessDeniedError);
      await expect(vmms.deleteSwitch(caller, 'lan')).rejects.toBeInstanceOf(AccessDeniedError);
    }
    expect(vmms.listSwitches(reader).map((details) => details.name)).toEqual(['lan']);
  });

  it('fails the start job of a VM whose network adapter names a switch that does not exist, naming it; the VM stays off', async () => {
    const vmms = await service(new FixtureVirtualSwitchManagement());
    await vmms.createSwitch(admin, { name: 'lan', kind: 'private' });
    await vmms.define(admin, {
      name: 'web-01',
      memory: '16M',
      guest: { program: guestProgram },
      devices: [
        { class: 'network.synthetic', config: { switch: 'lan' } },
        { class: 'network.synthetic', config: { switch: 'nowhere', macAddress: '00-15-5D-00-00-01' } },
      ],
    });

    const { returnValue, job } = await vmms.requestStateChange(operator, 'web-01', 'vm.run');
    const finished = await vmms.waitForJob(operator, job!.id);

    expect(returnValue).toBe(ReturnCode.JobStarted);
    expect(finished).toMatchObject({
      state: JobState.Exception,
      errorCode: ReturnCode.Failed,
      errorDescription: 'VM web-01 cannot start: devices[1].config.switch: there is no virtual switch named "nowhere"',
    });
    expect(launches).toEqual([]);
    expect(await vmms.get(reader, 'web-01')).toMatchObject({ state: 'Off', health: 'OK' });
  });

  it('asks for a worker once every switch a VM names exists', async () => {
    const vmms = await service(new FixtureVirtualSwitchManagement());
    await vmms.createSwitch(admin, { name: 'lan', kind: 'private' });
    await vmms.define(admin, { name: 'web-02', memory: '16M', guest: { program: guestProgram }, devices: [{ class: 'network.synthetic', config: { switch: 'lan' } }] });

    const { job } = await vmms.requestStateChange(operator, 'web-02', 'vm.run');
    const finished = await vmms.waitForJob(operator, job!.id);

    // The launcher of this test refuses every launch: what matters is that the VMMS got that far.
    expect(launches.map((launch) => launch.vm.name)).toEqual(['web-02']);
    expect(finished.errorDescription).toContain('this test launches no worker');
  });

  it('answers not supported without a switch service, and reports the stored switches it cannot bring up', async () => {
    await mkdir(join(root, 'switches'), { recursive: true });
    await writeFile(join(root, 'switches', 'lan.json'), JSON.stringify({ schemaVersion: 1, name: 'lan', kind: 'private', createdAt: new Date().toISOString() }));
    const vmms = await service(undefined);

    for (const attempt of [() => vmms.listSwitches(reader), () => vmms.getSwitch(reader, 'lan')]) {
      expect(attempt).toThrow(JobError);
      expect(attempt).toThrow(/no virtual switch service/);
    }
    const create = await failureOf(vmms.createSwitch(admin, { name: 'wan', kind: 'private' }));
    expect(create).toMatchObject({ returnCode: ReturnCode.NotSupported });
    expect(vmms.inventoryProblems(reader)).toEqual([{ file: join(root, 'switches', 'lan.json'), field: '', problem: expect.stringMatching(/no virtual switch service/) as unknown }]);
  });
});
