import { access, mkdir, mkdtemp, open, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { send, type Endpoint } from '../api/test-fixtures/http-client.js';
import { startVmmsDaemon, type VmmsDaemon } from './vmms-daemon.js';
import { INTEGRATION_DEVICES, INTEGRATION_GUEST, eventually, expectStatus, writeFileReadingGuest, writeIntegrationHostBuild } from './test-fixtures/daemon-fixtures.js';

interface Summary {
  readonly name: string;
  readonly state: string;
  readonly enabledState: number;
  readonly health: string;
  readonly healthState: number;
  readonly heartbeat: string;
  readonly heartbeatStatus: number;
  readonly failure?: string;
  readonly workerPid?: number;
}

let root: string;
let hostPackageDir: string;
const daemons: VmmsDaemon[] = [];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'tsvisor-daemon-test-'));
  hostPackageDir = await writeIntegrationHostBuild(root);
});

afterEach(async () => {
  await Promise.all(daemons.splice(0).map((daemon) => daemon.close()));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function start(dataDir: string, options: Partial<Parameters<typeof startVmmsDaemon>[0]> = {}): Promise<{ daemon: VmmsDaemon; api: Endpoint }> {
  const daemon = await startVmmsDaemon({ dataDir, hostPackageDir, sampleIntervalMs: 100, shutdownTimeoutMs: 10_000, ...options });
  daemons.push(daemon);
  return { daemon, api: { socketPath: daemon.socketPath } };
}

async function define(api: Endpoint, name: string): Promise<void> {
  await expectStatus(api, { method: 'POST', path: '/vms', body: { name, memory: '16M', guest: { program: INTEGRATION_GUEST }, devices: INTEGRATION_DEVICES } }, 201);
}

async function vm(api: Endpoint, name: string): Promise<Summary> {
  return (await expectStatus(api, { path: `/vms/${name}` }, 200)).json as Summary;
}

/** Requests a state change and waits for its job to finish; returns the final job. */
async function changeState(api: Endpoint, name: string, requestedState: string): Promise<{ state: number; errorDescription?: string }> {
  const answer = await expectStatus(api, { method: 'POST', path: `/vms/${name}/state`, body: { requestedState } }, 202);
  const { job } = answer.json as { returnValue: number; job: { id: string } };
  const finished = await eventually(async () => {
    const current = (await expectStatus(api, { path: `/jobs/${job.id}` }, 200)).json as { state: number; errorDescription?: string };
    return current.state >= 7 ? current : undefined;
  }, `job ${job.id} (${requestedState} ${name})`);
  if (finished.state !== 7) throw new Error(`${requestedState} ${name} failed: ${JSON.stringify(finished)}`);
  return finished;
}

async function runningWithHeartbeat(api: Endpoint, name: string): Promise<Summary> {
  return eventually(async () => {
    const summary = await vm(api, name);
    return summary.state === 'Running' && summary.heartbeat === 'OK' ? summary : undefined;
  }, `${name} running with heartbeat OK`);
}

describe('the VMMS daemon over its Unix socket', () => {
  it('creates, starts, observes Running with heartbeat OK, exchanges KVP, shuts down through the guest, and deletes a VM', async () => {
    const { api } = await start(join(root, 'lifecycle'));
    await define(api, 'alpha');
    expect(await vm(api, 'alpha')).toMatchObject({ state: 'Off', enabledState: 3, health: 'OK' });

    expect(await changeState(api, 'alpha', 'run')).toMatchObject({ state: 7 });
    const running = await runningWithHeartbeat(api, 'alpha');
    expect(running).toMatchObject({ enabledState: 2, healthState: 5, heartbeatStatus: 2 });
    expect(running.workerPid).toBeGreaterThan(0);

    const devices = (await expectStatus(api, { path: '/vms/alpha/devices' }, 200)).json as { class: string; instanceId: string }[];
    const kvp = devices.find((device) => device.class === 'integration.kvp')!;
    await expectStatus(api, { method: 'POST', path: `/vms/alpha/devices/${kvp.instanceId}/operations/kvp.set`, body: { pool: 'EXTERNAL', key: 'greeting', value: 'hello guest' } }, 200);
    await eventually(async () => {
      const console = await expectStatus(api, { path: '/vms/alpha/console' }, 200);
      return console.text.includes('kvp: greeting = hello guest') ? true : undefined;
    }, 'the guest printing the host value');
    const guestValue = await expectStatus(api, { method: 'POST', path: `/vms/alpha/devices/${kvp.instanceId}/operations/kvp.get`, body: { pool: 'GUEST', key: 'guest.program' } }, 200);
    expect(guestValue.json).toMatchObject({ result: { key: 'guest.program', value: 'integration-services' } });

    expect(await changeState(api, 'alpha', 'shutdown')).toMatchObject({ state: 7 });
    expect(await vm(api, 'alpha')).toMatchObject({ state: 'Off', enabledState: 3, health: 'OK' });
    const afterShutdown = (await expectStatus(api, { path: '/vms/alpha/console' }, 200)).text;
    expect(afterShutdown, JSON.stringify({ afterShutdown, summary: await vm(api, 'alpha') })).toContain('shutdown: ');

    await expectStatus(api, { method: 'DELETE', path: '/vms/alpha' }, 202);
    await expectStatus(api, { path: '/vms/alpha' }, 404);
    expect((await expectStatus(api, { path: '/vms' }, 200)).json).toEqual([]);
  });

  it('keeps the inventory across a restart, and reports a truncated or corrupt file without stopping the others', async () => {
    const dataDir = join(root, 'restart');
    let { daemon, api } = await start(dataDir);
    for (const name of ['one', 'two', 'three']) await define(api, name);
    await daemon.close();
    daemons.splice(daemons.indexOf(daemon), 1);

    const files = (await readdir(join(dataDir, 'vms'))).filter((file) => file.endsWith('.json')).sort();
    const byName = new Map<string, string>();
    for (const file of files) byName.set((JSON.parse(await readFile(join(dataDir, 'vms', file), 'utf8')) as { name: string }).name, file);
    const truncated = byName.get('two')!;
    const corrupt = byName.get('three')!;
    const text = await readFile(join(dataDir, 'vms', truncated), 'utf8');
    await writeFile(join(dataDir, 'vms', truncated), text.slice(0, text.length / 2));
    await writeFile(join(dataDir, 'vms', corrupt), JSON.stringify({ ...JSON.parse(await readFile(join(dataDir, 'vms', corrupt), 'utf8')), memory: 'lots' }));

    ({ daemon, api } = await start(dataDir));
    expect(((await expectStatus(api, { path: '/vms' }, 200)).json as Summary[]).map((s) => s.name)).toEqual(['one']);
    const problems = (await expectStatus(api, { path: '/inventory/problems' }, 200)).json as { file: string; field: string }[];
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ file: expect.stringContaining(truncated) }),
        expect.objectContaining({ file: expect.stringContaining(corrupt), field: 'memory' }),
      ]),
    );
    expect(await changeState(api, 'one', 'run')).toMatchObject({ state: 7 });
    await runningWithHeartbeat(api, 'one');
  });

  it('reports a SIGKILLed worker process as failed for that VM alone; the others run on', async () => {
    const { api } = await start(join(root, 'sigkill'));
    for (const name of ['victim', 'bystander']) {
      await define(api, name);
      expect(await changeState(api, name, 'run')).toMatchObject({ state: 7 });
    }
    const victim = await runningWithHeartbeat(api, 'victim');
    await runningWithHeartbeat(api, 'bystander');
    process.kill(victim.workerPid!, 'SIGKILL');
    const failed = await eventually(async () => {
      const summary = await vm(api, 'victim');
      return summary.health === 'CriticalFailure' ? summary : undefined;
    }, 'the victim reported failed');
    expect(failed).toMatchObject({ state: 'Off', enabledState: 3, healthState: 25, failure: expect.stringContaining('SIGKILL') });
    const bystander = await vm(api, 'bystander');
    expect(bystander).toMatchObject({ state: 'Running', health: 'OK', heartbeat: 'OK' });
    // The failed VM starts again.
    expect(await changeState(api, 'victim', 'run')).toMatchObject({ state: 7 });
    expect(await runningWithHeartbeat(api, 'victim')).toMatchObject({ health: 'OK' });
  });

  it('keeps a guest from host files under the worker permission model, even through a VSP that reads whatever it is asked', async () => {
    const dataDir = join(root, 'permission');
    const secret = join(root, 'host-secret.txt');
    await writeFile(secret, 'the host secret');
    const { api } = await start(dataDir);
    const definition = { name: 'prying', memory: '16M', guest: { program: '' }, devices: [{ class: 'test.host-file', config: {} }] };
    // The VM's own resource directory is <dataDir>/resources/<id>: known once the VM is defined.
    await expectStatus(api, { method: 'POST', path: '/vms', body: { ...definition, guest: { program: INTEGRATION_GUEST } } }, 201);
    const { id } = ((await expectStatus(api, { path: '/vms/prying' }, 200)).json as { id: string });
    const own = join(dataDir, 'resources', id, 'own.txt');
    const program = await writeFileReadingGuest(root, [secret, '/etc/passwd', own]);
    await expectStatus(api, { method: 'PATCH', path: '/vms/prying', body: { guest: { program } } }, 200);
    expect(await changeState(api, 'prying', 'run')).toMatchObject({ state: 7 });
    await writeFile(own, 'the VM own file');
    const console = await eventually(async () => {
      const text = (await expectStatus(api, { path: '/vms/prying/console' }, 200)).text;
      return text.includes('reads done') ? text : undefined;
    }, 'the guest finishing its reads');
    expect(console).toContain(`read ${secret}: 1 ERR_ACCESS_DENIED`);
    expect(console).toContain('read /etc/passwd: 1 ERR_ACCESS_DENIED');
    expect(console).not.toContain('the host secret');
    expect((await vm(api, 'prying')).state).toBe('Running');
  });

  it('runs a VM with a disk outside its resource directory: the worker may open that image, and the guest reads and writes it', async () => {
    const dataDir = join(root, 'disks');
    const { api } = await start(dataDir);
    const image = join(root, 'web-data.vhdx');
    await expectStatus(api, { method: 'POST', path: '/images', body: { path: image, format: 'vhdx', size: '64M' } }, 201);
    const program = resolve(INTEGRATION_GUEST, '../block-device.ts');
    await expectStatus(
      api,
      { method: 'POST', path: '/vms', body: { name: 'disky', memory: '16M', guest: { program }, devices: [{ class: 'storage.scsi', config: { disks: [{ lun: 0, path: image }] } }] } },
      201,
    );
    expect(await changeState(api, 'disky', 'run')).toMatchObject({ state: 7 });
    const console = await eventually(async () => {
      const text = (await expectStatus(api, { path: '/vms/disky/console' }, 200)).text;
      return text.includes('block-device: 16 sectors') || text.includes('differs') || text.includes('no disk') ? text : undefined;
    }, 'the guest using its disk');
    expect(console).toContain('block-device: LUN 0, 131072 sectors of 512 bytes');
    expect(console).toContain('block-device: 16 sectors written and read back');
    await eventually(async () => ((await vm(api, 'disky')).state === 'Off' ? true : undefined), 'the guest halting');
    expect(await vm(api, 'disky')).toMatchObject({ health: 'OK' });
    const check = await expectStatus(api, { method: 'POST', path: '/images/check', body: { path: image } }, 200);
    expect(check.json).toMatchObject({ ok: true });
  });

  it('manages disk images through the image service of the storage plugin: create, info, convert with progress, cancel, check', async () => {
    const { api } = await start(join(root, 'images'));
    const images = join(root, 'image-files');
    await mkdir(images);
    const MiB = 1024 * 1024;

    const created = await expectStatus(api, { method: 'POST', path: '/images', body: { path: join(images, 'base.vhdx'), format: 'vhdx', size: '8M' } }, 201);
    expect(created.json).toMatchObject({ image: { format: 'vhdx', virtualSize: 8 * MiB, fixed: false, blockSize: 32 * MiB, sectorSize: 512 }, job: { operation: 'image.create', state: 7 } });
    expect((created.json as { job: object }).job).not.toHaveProperty('vmId');
    const info = await expectStatus(api, { path: `/images/info?path=${encodeURIComponent(join(images, 'base.vhdx'))}` }, 200);
    expect(info.json).toEqual((created.json as { image: unknown }).image);

    const converting = await expectStatus(api, { method: 'POST', path: '/images/convert', body: { source: join(images, 'base.vhdx'), destination: join(images, 'copy.vhd'), to: 'vhd', fixed: true } }, 202);
    const { job } = converting.json as { job: { id: string } };
    const finished = await eventually(async () => {
      const current = (await expectStatus(api, { path: `/jobs/${job.id}` }, 200)).json as { state: number; percentComplete: number };
      return current.state >= 7 ? current : undefined;
    }, 'the conversion');
    expect(finished).toMatchObject({ state: 7, percentComplete: 100 });
    const copy = await expectStatus(api, { path: `/images/info?path=${encodeURIComponent(join(images, 'copy.vhd'))}` }, 200);
    expect(copy.json).toMatchObject({ format: 'vhd', virtualSize: 8 * MiB, fixed: true, fileSize: 8 * MiB + 512 });
    expect((await expectStatus(api, { method: 'POST', path: '/images/check', body: { path: join(images, 'copy.vhd') } }, 200)).json).toEqual({ ok: true, problems: [] });

    // A large image takes long enough to copy for the cancellation to land while it runs.
    await expectStatus(api, { method: 'POST', path: '/images', body: { path: join(images, 'large.raw'), format: 'raw', size: '4G' } }, 201);
    const large = await expectStatus(api, { method: 'POST', path: '/images/convert', body: { source: join(images, 'large.raw'), destination: join(images, 'large.vhdx'), to: 'vhdx' } }, 202);
    const cancelled = (large.json as { job: { id: string } }).job;
    await expectStatus(api, { method: 'DELETE', path: `/jobs/${cancelled.id}` }, 202);
    const terminated = await eventually(async () => {
      const current = (await expectStatus(api, { path: `/jobs/${cancelled.id}` }, 200)).json as { state: number };
      return current.state >= 7 ? current : undefined;
    }, 'the cancelled conversion');
    expect(terminated.state).toBe(8);
    expect((await readdir(images)).sort()).toEqual(['base.vhdx', 'copy.vhd', 'large.raw']);

    const file = await open(join(images, 'copy.vhd'), 'r+');
    await file.write(new Uint8Array([1, 2, 3, 4]), 0, 4, 8 * MiB + 64);
    await file.close();
    const broken = (await expectStatus(api, { method: 'POST', path: '/images/check', body: { path: join(images, 'copy.vhd') } }, 200)).json as { ok: boolean; problems: string[] };
    expect(broken.ok).toBe(false);
    expect(broken.problems).toHaveLength(1);

    const relative = await send(api, { method: 'POST', path: '/images', body: { path: 'disk.vhdx', format: 'vhdx', size: '1G' } });
    expect(relative.status).toBe(400);
    expect(relative.json).toMatchObject({ error: { code: 'invalid-parameter', field: 'path' } });
    const taken = await send(api, { method: 'POST', path: '/images/convert', body: { source: join(images, 'base.vhdx'), destination: join(images, 'copy.vhd'), to: 'raw' } });
    expect(taken.json).toMatchObject({ error: { code: 'invalid-parameter', field: 'destination' } });
    const unknown = await send(api, { method: 'POST', path: '/images', body: { path: join(images, 'x.qcow2'), format: 'qcow2', size: '1G' } });
    expect(unknown.json).toMatchObject({ error: { field: 'format', message: expect.stringMatching(/vhdx, vhd, raw/) as unknown } });
    await expect(access(join(images, 'x.qcow2'))).rejects.toThrow();
  });

  it('refuses malformed input naming the field and writes nothing; the reader role changes nothing; TCP needs a valid token', async () => {
    const dataDir = join(root, 'security');
    const tokensFile = join(root, 'tokens.json');
    const reader = 'reader-token-0123456789abcdef0123456789';
    const admin = 'admin-token-0123456789abcdef0123456789ab';
    await writeFile(tokensFile, JSON.stringify([{ name: 'auditor', role: 'reader', token: reader }, { name: 'ops', role: 'administrator', token: admin }]));
    const { daemon, api } = await start(dataDir, { tokensFile, tcp: { host: '127.0.0.1', port: 0 } });

    const bad = await send(api, { method: 'POST', path: '/vms', body: { name: 'bad', memory: '12 parsecs', guest: { program: INTEGRATION_GUEST } } });
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ error: { field: 'memory' } });
    const badDevice = await send(api, { method: 'POST', path: '/vms', body: { name: 'bad', memory: '16M', guest: { program: INTEGRATION_GUEST }, devices: [{ class: 'integration.heartbeat', config: { intervalMs: -1 } }] } });
    expect(badDevice.status).toBe(400);
    expect(badDevice.json).toMatchObject({ error: { field: 'devices[0].config.intervalMs' } });
    expect(await readdir(join(dataDir, 'vms'))).toEqual([]);

    const asReader = await send(api, { method: 'POST', path: '/vms', token: reader, body: { name: 'sneaky', memory: '16M', guest: { program: INTEGRATION_GUEST } } });
    expect(asReader.status).toBe(403);
    expect(await readdir(join(dataDir, 'vms'))).toEqual([]);
    expect((await send(api, { path: '/vms', token: reader })).status).toBe(200);

    const tcp: Endpoint = { port: daemon.tcpAddress!.port };
    expect((await send(tcp, { path: '/vms' })).status).toBe(401);
    expect((await send(tcp, { path: '/vms', token: 'not-a-token' })).status).toBe(401);
    expect((await send(tcp, { path: '/vms', token: admin })).status).toBe(200);
  });
});
