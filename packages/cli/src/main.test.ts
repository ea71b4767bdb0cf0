import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JobState } from '@tsvisor/vmms/state';
import { runCli } from './main.js';
import { busySwitch, idleSwitch, jobOf, offVm, runningVm, runningVmDetails } from './test-fixtures/api-examples.js';
import { capturedIo, type CapturedIo } from './test-fixtures/captured-io.js';
import { ScriptedApiServer } from './test-fixtures/scripted-api-server.js';

describe('tsvisor', () => {
  let server: ScriptedApiServer;
  let io: CapturedIo;

  beforeEach(async () => {
    server = await ScriptedApiServer.startOnSocket();
    io = capturedIo({ env: { TSVISOR_HOST: server.address } });
  });
  afterEach(() => server.close());

  const run = (...argv: string[]): Promise<number> => runCli(argv, io);

  describe('vm list', () => {
    it('prints an aligned table of the VMs', async () => {
      server.on('GET', '/vms', { status: 200, json: [runningVm, offVm] });

      expect(await run('vm', 'list')).toBe(0);
      expect(io.stdout.text).toBe(
        [
          'NAME    STATE    HEARTBEAT  HEALTH  CPU  MEMORY  UPTIME',
          'web-01  Running  OK         OK       3%  64 MiB   5m 3s',
          'db      Off      NoContact  OK       0%     0 B      0s',
          '',
        ].join('\n'),
      );
    });

    it('prints the summaries as JSON with --json', async () => {
      server.on('GET', '/vms', { status: 200, json: [runningVm, offVm] });

      expect(await run('vm', 'list', '--json')).toBe(0);
      expect(JSON.parse(io.stdout.text)).toEqual([runningVm, offVm]);
    });
  });

  describe('vm show', () => {
    it('prints the VM details as JSON with --json', async () => {
      server.on('GET', '/vms/web-01', { status: 200, json: runningVmDetails });

      expect(await run('vm', 'show', 'web-01', '--json')).toBe(0);
      expect(JSON.parse(io.stdout.text)).toMatchObject({ name: 'web-01', state: 'Running', enabledState: 2, health: 'OK', heartbeat: 'OK' });
    });

    it('prints the VM as labelled lines and its devices as a table', async () => {
      server.on('GET', '/vms/web-01', { status: 200, json: runningVmDetails });

      expect(await run('vm', 'show', 'web-01')).toBe(0);
      expect(io.stdout.text).toContain('State:          Running (2)\n');
      expect(io.stdout.text).toContain('Memory:         64 MiB (in use 64 MiB)\n');
      expect(io.stdout.text).toContain('Halt polling:   default\n');
      expect(io.stdout.text).toContain('Devices:\n  CLASS                  INSTANCE ID                           CONFIG\n');
      expect(io.stdout.text).toContain('  integration.heartbeat  3a1d9c1e-0c4b-4e8f-9d2a-6b5c4d3e2f10  {"intervalSeconds":5}\n');
    });
  });

  describe('vm create', () => {
    const defined = { status: 201, json: { vm: runningVm, job: jobOf('vm.define', JobState.Completed, 100) } };

    it('sends the guest path made absolute and adds the four integration services', async () => {
      server.on('POST', '/vms', defined);

      expect(await run('vm', 'create', 'web-01', '--memory', '64M', '--guest', 'guests/hello.js', '--processors', '2', '--notes', 'front end')).toBe(0);
      expect(server.requests[0]!.body).toEqual({
        name: 'web-01',
        memory: '64M',
        processors: 2,
        notes: 'front end',
        guest: { program: '/work/vms/guests/hello.js' },
        devices: [
          { class: 'integration.heartbeat', config: {} },
          { class: 'integration.shutdown', config: {} },
          { class: 'integration.timesync', config: {} },
          { class: 'integration.kvp', config: {} },
        ],
      });
      expect(io.stdout.text).toBe(`created VM web-01 (${runningVm.id})\n`);
    });

    it('sends --halt-poll-us, and refuses a value that is not a whole number of microseconds', async () => {
      server.on('POST', '/vms', defined);

      expect(await run('vm', 'create', 'web-01', '--memory', '64M', '--guest', '/g.js', '--halt-poll-us', '0', '--no-integration-services')).toBe(0);
      expect(server.requests[0]!.body).toMatchObject({ haltPollUs: 0 });
      expect(await run('vm', 'create', 'web-01', '--memory', '64M', '--guest', '/g.js', '--halt-poll-us', '1.5')).not.toBe(0);
      expect(io.stderr.text).toContain('expected a whole number of microseconds');
      expect(server.requests).toHaveLength(1);
    });

    it('adds --device classes with their JSON configuration, and no integration services when told not to', async () => {
      server.on('POST', '/vms', defined);

      const code = await run(
        'vm', 'create', 'web-01', '--memory', '64M', '--guest', '/g.js',
        '--device', 'storage.scsi:{"disk":"/vm/a.vhdx"}', '--device', 'entropy.source', '--no-integration-services',
      );

      expect(code).toBe(0);
      expect((server.requests[0]!.body as { devices: unknown }).devices).toEqual([
        { class: 'storage.scsi', config: { disk: '/vm/a.vhdx' } },
        { class: 'entropy.source', config: {} },
      ]);
    });

    it('puts --disk images on a SCSI controller at LUNs 0, 1, … (paths made absolute, ":ro" read-only)', async () => {
      server.on('POST', '/vms', defined);

      await run('vm', 'create', 'web-01', '--memory', '64M', '--guest', '/g.js', '--disk', 'disks/os.vhdx', '--disk', '/iso/tools.img:ro', '--no-integration-services');

      expect((server.requests[0]!.body as { devices: unknown }).devices).toEqual([
        { class: 'storage.scsi', config: { disks: [{ lun: 0, path: '/work/vms/disks/os.vhdx' }, { lun: 1, path: '/iso/tools.img', readOnly: true }] } },
      ]);
    });

    it('keeps the configuration of an integration service given with --device', async () => {
      server.on('POST', '/vms', defined);

      await run('vm', 'create', 'web-01', '--memory', '64M', '--guest', '/g.js', '--device', 'integration.heartbeat:{"intervalSeconds":5}');

      expect((server.requests[0]!.body as { devices: { class: string }[] }).devices.map((d) => d.class)).toEqual([
        'integration.heartbeat', 'integration.shutdown', 'integration.timesync', 'integration.kvp',
      ]);
    });

    it('refuses a --device configuration that is not a JSON object, before asking the daemon (exit 2)', async () => {
      expect(await run('vm', 'create', 'web-01', '--memory', '64M', '--guest', '/g.js', '--device', 'storage.scsi:[1]')).toBe(2);
      expect(io.stderr.text).toContain('the configuration of storage.scsi must be a JSON object');
      expect(server.requests).toEqual([]);
    });

    it('names the field the API refuses (exit 2)', async () => {
      server.on('POST', '/vms', {
        status: 400,
        json: { error: { code: 'invalid-parameter', returnValue: 32773, message: 'must be a size between 1M and 1G, got "2G"', field: 'memory' } },
      });

      expect(await run('vm', 'create', 'web-01', '--memory', '2G', '--guest', '/g.js')).toBe(2);
      expect(io.stderr.text).toBe('tsvisor: must be a size between 1M and 1G, got "2G" (field: memory)\n');
    });

    it('adds a network adapter per --nic on its switch, MAC address in Hyper-V form, VLAN as an access VLAN', async () => {
      server.on('POST', '/vms', defined);

      const code = await run(
        'vm', 'create', 'web-01', '--memory', '64M', '--guest', '/g.js',
        '--nic', 'lan', '--nic', 'dmz,mac=00:15:5d:0a:0b:0c,vlan=20', '--nic', 'lan,vlan=4094,mac=00-15-5D-01-02-03', '--no-integration-services',
      );

      expect(code).toBe(0);
      expect((server.requests[0]!.body as { devices: unknown }).devices).toEqual([
        { class: 'network.synthetic', config: { switch: 'lan' } },
        { class: 'network.synthetic', config: { switch: 'dmz', macAddress: '00-15-5D-0A-0B-0C', vlan: { mode: 'access', vlanId: 20 } } },
        { class: 'network.synthetic', config: { switch: 'lan', macAddress: '00-15-5D-01-02-03', vlan: { mode: 'access', vlanId: 4094 } } },
      ]);
    });

    it.each([
      ['a missing switch', ',vlan=3', 'expected SWITCH[,mac=00-15-5D-xx-xx-xx][,vlan=N]'],
      ['a MAC address of five bytes', 'lan,mac=00-15-5D-01-02', 'mac=00-15-5D-01-02 is not a MAC address'],
      ['a MAC address of mixed separators', 'lan,mac=00-15:5D-01-02-03', 'is not a MAC address'],
      ['VLAN 0', 'lan,vlan=0', 'vlan=0 is not a VLAN id from 1 to 4094'],
      ['VLAN 4095', 'lan,vlan=4095', 'vlan=4095 is not a VLAN id'],
      ['an unknown setting', 'lan,speed=10G', 'unknown setting "speed"'],
      ['a setting given twice', 'lan,vlan=1,vlan=2', 'vlan is given twice'],
    ])('refuses a --nic with %s, before asking the daemon (exit 2)', async (_case, spec, message) => {
      expect(await run('vm', 'create', 'web-01', '--memory', '64M', '--guest', '/g.js', '--nic', spec)).toBe(2);
      expect(io.stderr.text).toContain(message);
      expect(server.requests).toEqual([]);
    });

    it('is a usage error without --memory (exit 2)', async () => {
      expect(await run('vm', 'create', 'web-01', '--guest', '/g.js')).toBe(2);
      expect(io.stderr.text).toContain("required option '--memory <size>' not specified");
    });
  });

  describe('state changes', () => {
    it('starts a VM, follows its job with progress on stderr, then prints the state', async () => {
      server.on('POST', '/vms/web-01/state', { status: 202, json: { returnValue: 4096, job: jobOf('vm.run', JobState.Running, 0) } });
      server.onEach('GET', `/jobs/${jobOf('vm.run', 2, 0).id}`, [
        { status: 200, json: jobOf('vm.run', JobState.Running, 50) },
        { status: 200, json: jobOf('vm.run', JobState.Completed, 100) },
      ]);
      server.on('GET', '/vms/web-01', { status: 200, json: runningVmDetails });

      expect(await run('vm', 'start', 'web-01')).toBe(0);
      expect(server.requests[0]!.body).toEqual({ requestedState: 'run' });
      expect(io.stderr.text).toBe('start web-01: 0%\nstart web-01: 50%\nstart web-01: 100%\n');
      expect(io.stdout.text).toBe('web-01: Running\n');
    });

    it.each([
      ['stop', 'off'],
      ['shutdown', 'shutdown'],
      ['pause', 'pause'],
      ['resume', 'resume'],
    ])('vm %s asks for requestedState %s', async (command, requestedState) => {
      server.on('POST', '/vms/web-01/state', { status: 200, json: { returnValue: 0 } });
      server.on('GET', '/vms/web-01', { status: 200, json: runningVmDetails });

      expect(await run('vm', command, 'web-01')).toBe(0);
      expect(server.requests[0]!.body).toEqual({ requestedState });
      expect(io.stdout.text).toBe('web-01: Running (nothing to do)\n');
    });

    it('returns at once with --no-wait, and prints the API answer with --json', async () => {
      const job = jobOf('vm.off', JobState.Running, 0);
      server.on('POST', '/vms/web-01/state', { status: 202, json: { returnValue: 4096, job } });

      expect(await run('vm', 'stop', 'web-01', '--no-wait', '--json')).toBe(0);
      expect(JSON.parse(io.stdout.text)).toEqual({ returnValue: 4096, job });
      expect(server.requests.map((r) => r.url)).toEqual(['/vms/web-01/state']);
    });

    it('fails with the job error when the job ends in Exception (exit 1)', async () => {
      const job = jobOf('vm.run', JobState.Running, 0);
      server.on('POST', '/vms/web-01/state', { status: 202, json: { returnValue: 4096, job } });
      server.on('GET', `/jobs/${job.id}`, {
        status: 200,
        json: jobOf('vm.run', JobState.Exception, 30, { errorCode: 32768, errorDescription: 'the guest program /g.js does not exist' }),
      });

      expect(await run('vm', 'start', 'web-01')).toBe(1);
      expect(io.stderr.text).toContain(`tsvisor: vm.run job ${job.id} failed: the guest program /g.js does not exist (return code 32768)\n`);
    });

    it('is an invalid state to pause a VM that is off (exit 6)', async () => {
      server.on('POST', '/vms/db/state', {
        status: 409,
        json: { error: { code: 'invalid-state', returnValue: 32775, message: 'db is Off: it cannot pause' } },
      });

      expect(await run('vm', 'pause', 'db')).toBe(6);
      expect(io.stderr.text).toBe('tsvisor: db is Off: it cannot pause\n');
    });

    it('says which job goes on when the wait is interrupted (exit 130)', async () => {
      const job = jobOf('vm.shutdown', JobState.Running, 10);
      server.on('POST', '/vms/web-01/state', { status: 202, json: { returnValue: 4096, job } });
      server.on('GET', `/jobs/${job.id}`, () => {
        io.interruption.abort();
        return { status: 200, json: job };
      });

      expect(await run('vm', 'shutdown', 'web-01')).toBe(130);
      expect(io.stderr.text).toContain(`stopped waiting: job ${job.id} goes on in the daemon (tsvisor job show ${job.id})\n`);
    });
  });

  describe('vm delete', () => {
    it('follows the destroy job', async () => {
      const job = jobOf('vm.destroy', JobState.Running, 0);
      server.on('DELETE', '/vms/db', { status: 202, json: { job } });
      server.on('GET', `/jobs/${job.id}`, { status: 200, json: jobOf('vm.destroy', JobState.Completed, 100) });

      expect(await run('vm', 'delete', 'db')).toBe(0);
      expect(io.stdout.text).toBe('deleted VM db\n');
    });
  });

  describe('switch create', () => {
    it('creates a private switch by default, with its notes, and says so', async () => {
      server.on('POST', '/switches', { status: 201, json: { switch: { ...idleSwitch, name: 'lan', kind: 'private', notes: 'web tier' }, job: jobOf('switch.create', JobState.Completed, 100, { vmId: undefined }) } });

      expect(await run('switch', 'create', 'lan', '--notes', 'web tier')).toBe(0);
      expect(server.requests[0]!.body).toEqual({ name: 'lan', kind: 'private', notes: 'web tier' });
      expect(io.stdout.text).toBe('created private virtual switch lan\n');
    });

    it('creates an internal switch with --type, and prints the API answer with --json', async () => {
      const answer = { switch: idleSwitch, job: jobOf('switch.create', JobState.Completed, 100, { vmId: undefined }) };
      server.on('POST', '/switches', { status: 201, json: answer });

      expect(await run('switch', 'create', 'host-net', '--type', 'internal', '--json')).toBe(0);
      expect(server.requests[0]!.body).toEqual({ name: 'host-net', kind: 'internal' });
      expect(JSON.parse(io.stdout.text)).toEqual(JSON.parse(JSON.stringify(answer)));
    });

    it('names the field the API refuses (exit 2), and a name taken is a conflict (exit 6)', async () => {
      server.on('POST', '/switches', { status: 400, json: { error: { code: 'invalid-parameter', returnValue: 32773, message: 'kind: unknown switch kind "external"; this host has private, internal', field: 'kind' } } });
      expect(await run('switch', 'create', 'wan', '--type', 'external')).toBe(2);
      expect(io.stderr.text).toBe('tsvisor: kind: unknown switch kind "external"; this host has private, internal (field: kind)\n');

      server.on('POST', '/switches', { status: 409, json: { error: { code: 'duplicate-switch-name', returnValue: 32773, message: 'name: "LAN" is already the name of virtual switch "lan"', field: 'name' } } });
      expect(await run('switch', 'create', 'LAN')).toBe(6);
    });
  });

  describe('switch list', () => {
    it('prints an aligned table of the switches', async () => {
      server.on('GET', '/switches', { status: 200, json: [idleSwitch, busySwitch] });

      expect(await run('switch', 'list')).toBe(0);
      expect(io.stdout.text).toBe(
        [
          'NAME      TYPE      STATUS  PORTS  NOTES',
          'host-net  internal  Up          0',
          'lan       private   Up          2  web tier',
          '',
        ].join('\n'),
      );
    });

    it('prints the switches as JSON with --json', async () => {
      server.on('GET', '/switches', { status: 200, json: [busySwitch] });

      expect(await run('switch', 'list', '--json')).toBe(0);
      expect(JSON.parse(io.stdout.text)).toEqual([busySwitch]);
    });
  });

  describe('switch show', () => {
    it('prints the switch, its counters, and its ports with VM, MAC, VLAN and counters', async () => {
      server.on('GET', '/switches/lan', { status: 200, json: busySwitch });

      expect(await run('switch', 'show', 'lan')).toBe(0);
      expect(io.stdout.text).toBe(
        [
          'Name:     lan',
          'Type:     private',
          'Status:   Up',
          'Created:  2025-01-02T03:00:00.000Z',
          'Notes:    web tier',
          '',
          'Counters:',
          '  COUNTER          VALUE',
          '  framesForwarded    218',
          '  framesFlooded        3',
          '',
          'Ports:',
          '  PORT         VM      MAC                VLAN                  framesIn  framesOut',
          '  web-01-nic0  web-01  00-15-5D-01-02-03  10                         120         98',
          '  db-01-nic0   db-01   00-15-5D-01-02-04  trunk 10,20 native 1         7          -',
          '',
        ].join('\n'),
      );
    });

    it('says a switch has no ports, and prints the switch as JSON with --json', async () => {
      server.on('GET', '/switches/host-net', { status: 200, json: idleSwitch });

      expect(await run('switch', 'show', 'host-net')).toBe(0);
      expect(io.stdout.text).toContain('\nCounters: none\n\nPorts: none\n');
      io = capturedIo({ env: { TSVISOR_HOST: server.address } });
      expect(await run('switch', 'show', 'host-net', '--json')).toBe(0);
      expect(JSON.parse(io.stdout.text)).toEqual(idleSwitch);
    });

    it('is 4 for a switch that does not exist', async () => {
      server.on('GET', '/switches/nope', { status: 404, json: { error: { code: 'switch-not-found', message: 'there is no virtual switch named "nope"' } } });

      expect(await run('switch', 'show', 'nope')).toBe(4);
      expect(io.stderr.text).toBe('tsvisor: there is no virtual switch named "nope"\n');
    });
  });

  describe('switch delete', () => {
    it('deletes a switch', async () => {
      server.on('DELETE', '/switches/lan', { status: 202, json: { job: jobOf('switch.delete', JobState.Completed, 100, { vmId: undefined }) } });

      expect(await run('switch', 'delete', 'lan')).toBe(0);
      expect(io.stdout.text).toBe('deleted virtual switch lan\n');
    });

    it('is an invalid state to delete a switch VMs are connected to (exit 6), saying which', async () => {
      const message = 'virtual switch "lan" is in use: 1 port(s) attached (nic0 (web-01)); disconnect them first';
      server.on('DELETE', '/switches/lan', { status: 409, json: { error: { code: 'switch-in-use', returnValue: 32775, message } } });

      expect(await run('switch', 'delete', 'lan')).toBe(6);
      expect(io.stderr.text).toBe(`tsvisor: ${message}\n`);
    });
  });

  describe('vm console', () => {
    it('prints the console text', async () => {
      server.on('GET', '/vms/web-01/console', { status: 200, text: 'hello\nworld\n' });

      expect(await run('vm', 'console', 'web-01')).toBe(0);
      expect(io.stdout.text).toBe('hello\nworld\n');
    });

    it('follows the console until interrupted, and that is success', async () => {
      server.on('GET', '/vms/web-01/console?follow=1', (_request, response) => {
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        response.write(`event: console\ndata: ${JSON.stringify('booted\n')}\n\n`, () => setTimeout(() => io.interruption.abort(), 50));
        return undefined;
      });

      expect(await run('vm', 'console', 'web-01', '--follow')).toBe(0);
      expect(io.stdout.text).toBe('booted\n');
    });
  });

  describe('job list', () => {
    it('prints the jobs as a table', async () => {
      const failed = jobOf('vm.run', JobState.Exception, 30, { errorDescription: 'guest fault' });
      server.on('GET', '/jobs', { status: 200, json: [failed] });

      expect(await run('job', 'list')).toBe(0);
      expect(io.stdout.text.split('\n')[1]).toBe(`${failed.id}  vm.run     ${runningVm.id}  Exception   30%  ${failed.submittedAt}  guest fault`);
    });
  });

  describe('exit codes', () => {
    it('is 4 for a VM that does not exist', async () => {
      server.on('GET', '/vms/nope', { status: 404, json: { error: { code: 'vm-not-found', message: 'there is no VM named or with id "nope"' } } });

      expect(await run('vm', 'show', 'nope')).toBe(4);
      expect(io.stderr.text).toBe('tsvisor: there is no VM named or with id "nope"\n');
    });

    it('is 5 without a token, saying how to give one', async () => {
      server.on('GET', '/vms', { status: 401, json: { error: { code: 'unauthenticated', message: 'a bearer token is required' } } });

      expect(await run('vm', 'list')).toBe(5);
      expect(io.stderr.text).toBe('tsvisor: a bearer token is required\ntsvisor: give a bearer token with --token or TSVISOR_TOKEN\n');
    });

    it('is 5 for a role that may not do it', async () => {
      server.on('DELETE', '/vms/web-01', { status: 403, json: { error: { code: 'access-denied', returnValue: 32769, message: 'reader may not vm.destroy' } } });

      expect(await run('vm', 'delete', 'web-01')).toBe(5);
    });

    it('is 1 for an internal error of the daemon', async () => {
      server.on('GET', '/vms', { status: 500, json: { error: { code: 'internal-error', message: 'internal error: the VMMS log has the details' } } });

      expect(await run('vm', 'list')).toBe(1);
    });

    it('is 3 when no daemon listens', async () => {
      io = capturedIo({ env: { TSVISOR_HOST: `unix:${server.directory}/gone.sock` } });

      expect(await run('vm', 'list')).toBe(3);
      expect(io.stderr.text).toBe(`tsvisor: cannot reach the tsvisor daemon at unix:${server.directory}/gone.sock: no daemon socket there (is \`tsvisor host start\` running?)\n`);
    });

    it('is 2 for an unknown command, and 0 for --help, which lists the exit codes', async () => {
      expect(await run('vm', 'frobnicate', 'web-01')).toBe(2);
      io = capturedIo();
      expect(await run('--help')).toBe(0);
      expect(io.stdout.text).toContain('Exit codes:\n  0    success\n');
      expect(io.stdout.text).toContain('6    invalid state');
    });

    it('is 2 for a malformed --listen-tcp, before any daemon starts', async () => {
      expect(await run('host', 'start', '--listen-tcp', 'localhost')).toBe(2);
      expect(io.stderr.text).toContain('expected HOST:PORT');
    });
  });

  describe('finding the daemon', () => {
    it('takes --host over TSVISOR_HOST', async () => {
      const tcp = await ScriptedApiServer.startOnTcp();
      try {
        tcp.on('GET', '/vms', { status: 200, json: [] });
        expect(await run('--host', tcp.address, 'vm', 'list', '--json')).toBe(0);
        expect(tcp.requests).toHaveLength(1);
        expect(server.requests).toHaveLength(0);
      } finally {
        await tcp.close();
      }
    });

    it('uses the socket of ~/.tsvisor without --host or TSVISOR_HOST', async () => {
      io = capturedIo({ homeDir: '/nonexistent/home' });

      expect(await run('vm', 'list')).toBe(3);
      expect(io.stderr.text).toContain('unix:/nonexistent/home/.tsvisor/vmms.sock');
    });

    it('refuses a TSVISOR_HOST it cannot use (exit 2)', async () => {
      io = capturedIo({ env: { TSVISOR_HOST: 'https://vmms.example:8443' } });

      expect(await run('vm', 'list')).toBe(2);
      expect(io.stderr.text).toBe('tsvisor: invalid daemon address "https://vmms.example:8443": https: is not supported, use http: or unix:\n');
    });

    it('sends TSVISOR_TOKEN, and --token over it', async () => {
      server.on('GET', '/vms', { status: 200, json: [] });
      io = capturedIo({ env: { TSVISOR_HOST: server.address, TSVISOR_TOKEN: 'from-env' } });

      await run('vm', 'list');
      await run('vm', 'list', '--token', 'from-option');

      expect(server.requests.map((r) => r.headers['authorization'])).toEqual(['Bearer from-env', 'Bearer from-option']);
    });
  });
});
