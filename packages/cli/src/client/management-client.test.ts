import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { JobState } from '@tsvisor/vmms/state';
import { jobOf, runningVm, runningVmDetails } from '../test-fixtures/api-examples.js';
import { ScriptedApiServer } from '../test-fixtures/scripted-api-server.js';
import { parseDaemonEndpoint } from './daemon-endpoint.js';
import { DaemonUnreachableError } from './daemon-unreachable-error.js';
import { InterruptedError } from './interrupted-error.js';
import { ManagementApiError } from './management-api-error.js';
import { ManagementClient } from './management-client.js';

describe('ManagementClient', () => {
  let server: ScriptedApiServer;
  let client: ManagementClient;

  beforeEach(async () => {
    server = await ScriptedApiServer.startOnSocket();
    client = new ManagementClient({ endpoint: parseDaemonEndpoint(server.address) });
  });
  afterEach(() => server.close());

  it('reads the VM summaries and one VM, its name encoded as a path segment', async () => {
    server.on('GET', '/vms', { status: 200, json: [runningVm] });
    server.on('GET', '/vms/web%2F01%20x', { status: 200, json: runningVmDetails });

    expect(await client.listVms()).toEqual([runningVm]);
    expect(await client.getVm('web/01 x')).toEqual(runningVmDetails);
    expect(server.requests.map((r) => [r.method, r.url, r.headers['accept']])).toEqual([
      ['GET', '/vms', 'application/json'],
      ['GET', '/vms/web%2F01%20x', 'application/json'],
    ]);
  });

  it('sends a new VM as a JSON body', async () => {
    server.on('POST', '/vms', { status: 201, json: { vm: runningVm, job: jobOf('vm.define', JobState.New, 0) } });
    const definition = { name: 'web-01', memory: '64M', guest: { program: '/work/hello.js' }, devices: [{ class: 'integration.kvp', config: {} }] };

    const created = await client.createVm(definition);

    expect(created.vm.name).toBe('web-01');
    expect(server.requests[0]).toMatchObject({ method: 'POST', url: '/vms', body: definition, headers: { 'content-type': 'application/json' } });
  });

  it('asks for a state change by name and returns the return value and the job', async () => {
    const job = jobOf('vm.run', JobState.Running, 10);
    server.on('POST', '/vms/web-01/state', { status: 202, json: { returnValue: 4096, job } });

    expect(await client.requestStateChange('web-01', 'run')).toEqual({ returnValue: 4096, job });
    expect(server.requests[0]!.body).toEqual({ requestedState: 'run' });
  });

  it('calls the device, counter, job, console and metrics routes', async () => {
    const job = jobOf('vm.destroy', JobState.Running, 0);
    server
      .on('GET', '/vms/web-01/devices', { status: 200, json: [] })
      .on('POST', '/vms/web-01/devices/abc/operations/set', { status: 200, json: { result: { ok: true } } })
      .on('GET', '/vms/web-01/counters', { status: 200, json: { vm: 'web-01' } })
      .on('PATCH', '/vms/web-01', { status: 200, json: runningVmDetails })
      .on('DELETE', '/vms/web-01', { status: 202, json: { job } })
      .on('GET', '/jobs', { status: 200, json: [job] })
      .on('DELETE', `/jobs/${job.id}`, { status: 202, json: { ...job, state: JobState.Terminated } })
      .on('GET', '/vms/web-01/console', { status: 200, text: 'hello from the guest\n' })
      .on('GET', '/metrics', { status: 200, text: 'tsvisor_vms 1\n' });

    expect(await client.listDevices('web-01')).toEqual([]);
    expect(await client.invokeDeviceOperation('web-01', 'abc', 'set', { key: 'k', value: 'v' })).toEqual({ result: { ok: true } });
    expect(await client.getCounters('web-01')).toEqual({ vm: 'web-01' });
    expect(await client.modifyVm('web-01', { notes: 'front end' })).toEqual(runningVmDetails);
    expect(await client.deleteVm('web-01')).toEqual({ job });
    expect(await client.listJobs()).toEqual([job]);
    expect((await client.cancelJob(job.id)).state).toBe(JobState.Terminated);
    expect(await client.readConsole('web-01')).toBe('hello from the guest\n');
    expect(await client.readMetrics()).toBe('tsvisor_vms 1\n');
    expect(server.requests.find((r) => r.method === 'POST')!.body).toEqual({ key: 'k', value: 'v' });
    expect(server.requests.find((r) => r.method === 'PATCH')!.body).toEqual({ notes: 'front end' });
  });

  it('throws the API error with its status, code, return value and field', async () => {
    server.on('POST', '/vms', {
      status: 400,
      json: { error: { code: 'invalid-parameter', returnValue: 32773, message: 'memory: must be a size between 1M and 1G', field: 'memory' } },
    });

    const error = await client.createVm({ name: 'x', memory: '2G', guest: { program: '/g.js' } }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ManagementApiError);
    expect(error).toMatchObject({ status: 400, code: 'invalid-parameter', returnValue: 32773, field: 'memory', message: 'memory: must be a size between 1M and 1G' });
  });

  it('makes an error of an answer that is not the API error shape', async () => {
    server.on('GET', '/vms', { status: 502, text: 'Bad Gateway' });

    await expect(client.listVms()).rejects.toMatchObject({ status: 502, code: 'http-502', message: 'the daemon answered 502: Bad Gateway' });
  });

  it('sends the bearer token', async () => {
    server.on('GET', '/jobs', { status: 200, json: [] });
    const withToken = new ManagementClient({ endpoint: parseDaemonEndpoint(server.address), token: 's3cret' });

    await withToken.listJobs();

    expect(server.requests[0]!.headers['authorization']).toBe('Bearer s3cret');
  });

  it('follows the console as server-sent events', async () => {
    server.on('GET', '/vms/web-01/console?follow=1', (request, response) => {
      expect(request.headers['accept']).toBe('text/event-stream');
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write(`event: console\ndata: ${JSON.stringify('booting\n')}\n\n: keep-alive\n\n`);
      response.end(`event: console\ndata: ${JSON.stringify('ready')}\n\n`);
      return undefined;
    });

    const texts: string[] = [];
    for await (const text of client.followConsole('web-01')) texts.push(text);

    expect(texts).toEqual(['booting\n', 'ready']);
  });

  it('reads the event stream as VMMS events', async () => {
    const job = jobOf('vm.run', JobState.Completed, 100);
    server.on('GET', '/events', (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.end(`event: job\ndata: ${JSON.stringify({ type: 'job', job })}\n\n`);
      return undefined;
    });

    const events = [];
    for await (const event of client.events()) events.push(event);

    expect(events).toEqual([{ type: 'job', job }]);
  });

  it('works over TCP as over the socket', async () => {
    const tcp = await ScriptedApiServer.startOnTcp();
    try {
      tcp.on('GET', '/vms', { status: 200, json: [] });
      expect(await new ManagementClient({ endpoint: parseDaemonEndpoint(tcp.address) }).listVms()).toEqual([]);
    } finally {
      await tcp.close();
    }
  });

  it('says the daemon is unreachable when there is no socket', async () => {
    const missing = new ManagementClient({ endpoint: { kind: 'unix', socketPath: join(server.directory, 'none.sock') } });

    const error = await missing.listVms().catch((e: unknown) => e);

    expect(error).toBeInstanceOf(DaemonUnreachableError);
    expect((error as Error).message).toMatch(/none\.sock: no daemon socket there/);
  });

  it('says the daemon is unreachable when it does not answer in time', async () => {
    const socketPath = join(server.directory, 'silent.sock');
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(socketPath, resolve));
    try {
      const slow = new ManagementClient({ endpoint: { kind: 'unix', socketPath }, timeoutMs: 100 });
      await expect(slow.listVms()).rejects.toThrow(new DaemonUnreachableError({ kind: 'unix', socketPath }, 'no answer within 0.1s'));
    } finally {
      silent.close();
    }
  });

  it('stops waiting with an InterruptedError when its signal is aborted', async () => {
    server.on('GET', '/vms', () => undefined);
    const interrupt = new AbortController();
    const interrupted = new ManagementClient({ endpoint: parseDaemonEndpoint(server.address), signal: interrupt.signal });

    const listing = interrupted.listVms();
    setTimeout(() => interrupt.abort(), 50);

    await expect(listing).rejects.toBeInstanceOf(InterruptedError);
  });
});
