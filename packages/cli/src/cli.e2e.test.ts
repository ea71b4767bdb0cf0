import { execFile } from 'node:child_process';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVmmsDaemon, type ImageInfo, type VmDetails, type VmSummary, type VmmsDaemon } from '@tsvisor/vmms';
import { EnabledState } from '@tsvisor/vmms/state';
import { cliPackageDir } from './cli-package-dir.js';
import { runCli } from './main.js';
import { capturedIo } from './test-fixtures/captured-io.js';
import { eventually } from './test-fixtures/eventually.js';

const workspaceRoot = resolve(cliPackageDir(), '../..');
/** The example guest program that lives with the four integration services and greets on its console. */
const guestProgram = join(workspaceRoot, 'examples/guests/src/integration-services.ts');
const GREETING = 'hello from integration-services, a tsvisor guest program';
/** The integration services with intervals short enough for a test. */
const shortIntervalDevices = [
  '--device', 'integration.heartbeat:{"intervalMs":100,"missedLimit":5}',
  '--device', 'integration.shutdown:{"timeoutSeconds":10}',
  '--device', 'integration.timesync:{"intervalMs":100}',
];

interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

let dataDir: string;
let daemon: VmmsDaemon;
let host: string;

/** Runs `tsvisor argv…` in this process against the test's daemon, from `cwd` (the data directory unless given). */
async function tsvisorIn(cwd: string, ...argv: string[]): Promise<CliRun> {
  const io = capturedIo({ env: { TSVISOR_HOST: host }, cwd });
  const code = await runCli(argv, io);
  return { code, stdout: io.stdout.text, stderr: io.stderr.text };
}

/** Runs `tsvisor argv…` in this process against the test's daemon. */
async function tsvisor(...argv: string[]): Promise<CliRun> {
  const io = capturedIo({ env: { TSVISOR_HOST: host } });
  const code = await runCli(argv, io);
  return { code, stdout: io.stdout.text, stderr: io.stderr.text };
}

/** `tsvisor vm show NAME --json`, parsed; fails on any other exit code. */
async function show(name: string): Promise<VmDetails> {
  const run = await tsvisor('vm', 'show', name, '--json');
  expect(run, run.stderr).toMatchObject({ code: 0 });
  return JSON.parse(run.stdout) as VmDetails;
}

// The CLI is the host build, as `tsvisor host start` has it: its dependencies bring the integration services, storage and network.
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'tsvisor-cli-e2e-'));
  daemon = await startVmmsDaemon({ dataDir, hostPackageDir: cliPackageDir(), workerMode: 'process', sampleIntervalMs: 100, shutdownTimeoutMs: 10_000 });
  host = `unix:${daemon.socketPath}`;
  const idle = await tsvisor('vm', 'create', 'idle', '--memory', '16M', '--guest', guestProgram, ...shortIntervalDevices);
  expect(idle, idle.stderr).toMatchObject({ code: 0 });
});

afterAll(async () => {
  await daemon?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('tsvisor against a real daemon', () => {
  it('creates, lists, starts, shows, reads the console of, shuts down and deletes a VM', { timeout: 120_000 }, async () => {
    const created = await tsvisor('vm', 'create', 'web', '--memory', '16M', '--guest', guestProgram, ...shortIntervalDevices);
    expect(created).toMatchObject({ code: 0, stdout: expect.stringMatching(/^created VM web \(/) });

    const listed = await tsvisor('vm', 'list');
    expect(listed.code).toBe(0);
    const [header, ...rows] = listed.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^NAME +STATE +HEARTBEAT +HEALTH +CPU +MEMORY +UPTIME$/);
    expect(rows).toContainEqual(expect.stringMatching(/^web +Off +NoContact +OK +/));

    expect(await tsvisor('vm', 'start', 'web')).toMatchObject({ code: 0, stdout: 'web: Running\n' });
    const running = await eventually(async () => {
      const details = await show('web');
      return details.heartbeat === 'OK' ? details : undefined;
    }, 'heartbeat OK for web');
    expect(running).toMatchObject({ name: 'web', state: 'Running', enabledState: EnabledState.Running, health: 'OK' });

    await eventually(async () => {
      const console = await tsvisor('vm', 'console', 'web');
      expect(console.code).toBe(0);
      return console.stdout.includes(GREETING) ? true : undefined;
    }, 'the guest greeting on the console');

    const shutdown = await tsvisor('vm', 'shutdown', 'web');
    expect(shutdown, shutdown.stderr).toMatchObject({ code: 0, stdout: 'web: Off\n' });
    expect(await show('web')).toMatchObject({ state: 'Off', enabledState: EnabledState.Off, health: 'OK' });

    expect(await tsvisor('vm', 'delete', 'web')).toMatchObject({ code: 0, stdout: 'deleted VM web\n' });
    expect(await tsvisor('vm', 'show', 'web')).toMatchObject({ code: 4, stderr: expect.stringMatching(/^tsvisor: .*web/) });
  });

  it('exits 4 for a VM that does not exist', async () => {
    expect(await tsvisor('vm', 'start', 'nosuch')).toMatchObject({ code: 4, stderr: expect.stringContaining('nosuch') });
  });

  it('exits 6 for pausing a VM that is off, and the VM stays off', async () => {
    expect(await tsvisor('vm', 'pause', 'idle')).toMatchObject({ code: 6, stderr: expect.stringMatching(/^tsvisor: /) });
    expect(await show('idle')).toMatchObject({ state: 'Off' });
  });

  it('exits 2 naming the field for a memory size the daemon refuses, and defines nothing', async () => {
    const refused = await tsvisor('vm', 'create', 'greedy', '--memory', 'lots', '--guest', guestProgram);
    expect(refused).toMatchObject({ code: 2, stderr: expect.stringContaining('(field: memory)') });
    expect(await tsvisor('vm', 'show', 'greedy')).toMatchObject({ code: 4 });
  });

  it('creates a private switch, and two VMs in worker processes with adapters on it ping and exchange UDP; shows the ports; deletes the switch', { timeout: 120_000 }, async () => {
    const program = (name: string): string => join(workspaceRoot, `examples/guests/src/${name}.ts`);
    expect(await tsvisor('switch', 'create', 'lan', '--type', 'private')).toMatchObject({ code: 0 });
    for (const [name, mac] of [['echo', '00-15-5D-00-00-02'], ['probe', '00-15-5D-00-00-01']] as const) {
      const created = await tsvisor('vm', 'create', name, '--memory', '16M', '--guest', program(`network-${name}`), '--nic', `lan,mac=${mac}`);
      expect(created, created.stderr).toMatchObject({ code: 0 });
    }
    const consoleOf = async (name: string, text: string): Promise<void> => {
      let seen = '';
      await eventually(async () => {
        seen = (await tsvisor('vm', 'console', name)).stdout;
        return seen.includes(text) ? true : undefined;
      }, `${name} printing "${text}"`, 60_000).catch((error: Error) => {
        throw new Error(`${error.message}; its console:\n${seen}`);
      });
    };
    expect(await tsvisor('vm', 'start', 'echo')).toMatchObject({ code: 0 });
    await consoleOf('echo', 'network-echo: 10.0.0.2 (00:15:5d:00:00:02, MTU 1500)\nnetwork-echo: echoing UDP port 7');
    const shown = await tsvisor('switch', 'show', 'lan', '--json');
    expect(JSON.parse(shown.stdout)).toMatchObject({ name: 'lan', kind: 'private', ports: [{ vm: 'echo', macAddress: '00-15-5D-00-00-02', vlan: { mode: 'access', vlanId: 1 } }] });
    expect(await tsvisor('switch', 'delete', 'lan')).toMatchObject({ code: 6, stderr: expect.stringContaining('in use') });
    expect(await tsvisor('vm', 'start', 'probe')).toMatchObject({ code: 0 });
    await consoleOf('probe', 'network-probe: done: 3 pings and 3 datagrams answered');
    await consoleOf('echo', 'network-echo: done');
    for (const name of ['probe', 'echo']) {
      await eventually(async () => ((await show(name)).state === 'Off' ? true : undefined), `${name} halting`, 60_000);
      expect(await show(name)).toMatchObject({ health: 'OK' });
      expect(await tsvisor('vm', 'delete', name)).toMatchObject({ code: 0 });
    }
    expect(await tsvisor('switch', 'delete', 'lan')).toMatchObject({ code: 0 });
    expect(await tsvisor('switch', 'list', '--json')).toMatchObject({ code: 0, stdout: '[]\n' });
  });

  it('creates, describes, converts and checks disk images through the daemon; qemu-img accepts the VHDX', { timeout: 60_000 }, async () => {
    const created = await tsvisorIn(dataDir, 'disk', 'create', 'base.raw', '--size', '8M', '--format', 'raw');
    expect(created, created.stderr).toMatchObject({ code: 0, stdout: `created raw image ${join(dataDir, 'base.raw')}\n` });
    const file = await open(join(dataDir, 'base.raw'), 'r+');
    await file.write(Buffer.from('a sector of data the conversions must keep'), 0, 42, 5 * 1024 * 1024);
    await file.close();

    const converted = await tsvisorIn(dataDir, 'disk', 'convert', 'base.raw', 'disk.vhdx', '--to', 'vhdx');
    expect(converted, converted.stderr).toMatchObject({ code: 0, stdout: `converted base.raw to vhdx image ${join(dataDir, 'disk.vhdx')}\n` });
    expect(converted.stderr).toMatch(/^convert disk\.vhdx: \d+%$/m);
    expect(converted.stderr.trimEnd().split('\n').at(-1)).toBe('convert disk.vhdx: 100%');
    expect((await promisify(execFile)('qemu-img', ['check', '-f', 'vhdx', join(dataDir, 'disk.vhdx')])).stdout).toMatch(/No errors were found/);

    const info = await tsvisorIn(dataDir, 'disk', 'info', 'disk.vhdx', '--json');
    expect(info.code).toBe(0);
    expect(JSON.parse(info.stdout) as ImageInfo).toMatchObject({ path: join(dataDir, 'disk.vhdx'), format: 'vhdx', virtualSize: 8 * 1024 * 1024, fixed: false });
    const text = await tsvisorIn(dataDir, 'disk', 'info', 'disk.vhdx');
    expect(text.stdout).toMatch(/^Format: +vhdx$/m);
    expect(text.stdout).toMatch(/^Virtual size: +8 MiB \(8388608 bytes\)$/m);

    expect(await tsvisorIn(dataDir, 'disk', 'convert', 'disk.vhdx', 'back.raw', '--to', 'raw')).toMatchObject({ code: 0 });
    expect(Buffer.compare(await readFile(join(dataDir, 'back.raw')), await readFile(join(dataDir, 'base.raw')))).toBe(0);

    expect(await tsvisorIn(dataDir, 'disk', 'check', 'disk.vhdx')).toMatchObject({ code: 0, stdout: `${join(dataDir, 'disk.vhdx')}: no problems found\n` });
    const broken = await open(join(dataDir, 'disk.vhdx'), 'r+');
    await broken.write(new Uint8Array(4096).fill(0xa5), 0, 4096, 2 * 1024 * 1024);
    await broken.close();
    const checked = await tsvisorIn(dataDir, 'disk', 'check', 'disk.vhdx');
    expect(checked.code).toBe(1);
    expect(checked.stdout).toMatch(/disk\.vhdx: does not open as vhdx: /);
    expect(checked.stderr).toBe(`tsvisor: ${join(dataDir, 'disk.vhdx')}: 1 problem found\n`);

    const refused = await tsvisorIn(dataDir, 'disk', 'create', 'big.vhd', '--size', 'lots', '--format', 'vhd');
    expect(refused).toMatchObject({ code: 2, stderr: expect.stringContaining('(field: size)') });
  });

  it('runs as a program from its sources: `node --conditions=@tsvisor/source --import tsx src/main.ts vm list --json`', { timeout: 60_000 }, async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--conditions=@tsvisor/source', '--import', 'tsx', join(cliPackageDir(), 'src/main.ts'), 'vm', 'list', '--json'],
      { cwd: workspaceRoot, env: { ...process.env, TSVISOR_HOST: host, TSX_TSCONFIG_PATH: join(workspaceRoot, 'tsconfig.base.json') } },
    );
    const vms = JSON.parse(stdout) as VmSummary[];
    expect(vms).toContainEqual(expect.objectContaining({ name: 'idle', state: 'Off', enabledState: EnabledState.Off }));
  });
});
