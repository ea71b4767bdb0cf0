import { randomUUID } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ReturnCode } from '../state/return-code.js';
import { MAX_BODY_BYTES } from './management-api.js';
import { startApiHarness, testTokens, type ApiHarness } from './test-fixtures/api-harness.js';
import { openEventStream, send, type TestRequest, type TestResponse } from './test-fixtures/http-client.js';
import { parsePrometheusText } from './test-fixtures/prometheus-text-check.js';
import { FixtureVirtualSwitchManagement } from '../service/test-fixtures/fixture-virtual-switch-management.js';

interface ErrorShape {
  readonly error: { readonly code: string; readonly returnValue?: number; readonly message: string; readonly field?: string };
}

let harness: ApiHarness;
const call = (request: TestRequest): Promise<TestResponse> => send(harness.endpoint, request);
const errorOf = (response: TestResponse): ErrorShape['error'] => (response.json as ErrorShape).error;

function definition(name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { name, memory: '64M', guest: { program: harness.guestProgram }, ...extra };
}

async function define(name: string): Promise<{ id: string; name: string }> {
  const response = await call({ method: 'POST', path: '/vms', body: definition(name) });
  expect(response.status, response.text).toBe(201);
  return (response.json as { vm: { id: string; name: string } }).vm;
}

beforeAll(async () => {
  harness = await startApiHarness({ eventKeepAliveMs: 100 });
});

afterAll(async () => {
  await harness.close();
});

describe('the Unix socket', () => {
  it('has mode 0600: only its owner can connect', async () => {
    const { mode, uid } = await stat((harness.endpoint as { socketPath: string }).socketPath);
    expect(mode & 0o777).toBe(0o600);
    expect(uid).toBe(process.getuid?.());
  });

  it("treats a request without credentials as its owner's: an administrator", async () => {
    const vm = await define('owner-made');
    const response = await call({ path: `/vms/${vm.id}` });
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ id: vm.id, name: 'owner-made', state: 'Off', enabledState: 3 });
  });

  it('still checks a bearer token that is presented, and answers 401 with a challenge', async () => {
    const response = await call({ path: '/vms', token: 'not-a-token-of-this-table' });
    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer realm="tsvisor", error="invalid_token"');
    expect(errorOf(response).code).toBe('unauthenticated');
    const basic = await call({ path: '/vms', headers: { authorization: 'Basic b3duZXI6b3duZXI=' } });
    expect(basic.status).toBe(401);
  });
});

describe('VM routes', () => {
  it('defines a VM: 201, its details, the completed job and its Location', async () => {
    const response = await call({ method: 'POST', path: '/vms', body: definition('web-01', { processors: 2, notes: 'front end' }) });
    expect(response.status).toBe(201);
    const { vm, job } = response.json as { vm: { id: string; configuration: { memory: number } }; job: { state: number; operation: string } };
    expect(vm).toMatchObject({ name: 'web-01', processors: 2, memory: 64 * 1024 * 1024, notes: 'front end', health: 'OK' });
    expect(vm.configuration).toMatchObject({ schemaVersion: 1, memory: 64 * 1024 * 1024, devices: [] });
    expect(job).toMatchObject({ operation: 'vm.define', state: 7 });
    expect(response.headers.location).toBe(`/vms/${vm.id}`);
    const listed = await call({ path: '/vms' });
    expect((listed.json as { name: string }[]).map((each) => each.name)).toContain('web-01');
  });

  it('finds a VM by its name, case-insensitively, and answers 404 for none', async () => {
    expect((await call({ path: '/vms/WEB-01' })).status).toBe(200);
    const missing = await call({ path: '/vms/nowhere' });
    expect(missing.status).toBe(404);
    expect(errorOf(missing)).toMatchObject({ code: 'vm-not-found' });
  });

  it('refuses a duplicate name with 409, naming the field', async () => {
    await define('twin');
    const response = await call({ method: 'POST', path: '/vms', body: definition('TWIN') });
    expect(response.status).toBe(409);
    expect(errorOf(response)).toMatchObject({ code: 'duplicate-vm-name', field: 'name', returnValue: ReturnCode.InvalidParameter });
  });

  it('modifies a VM with PATCH', async () => {
    const vm = await define('to-modify');
    const response = await call({ method: 'PATCH', path: '/vms/to-modify', body: { notes: 'changed', memory: 128 * 1024 * 1024 } });
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ vm: { id: vm.id, notes: 'changed', memory: 128 * 1024 * 1024 }, job: { operation: 'vm.modify' } });
  });

  it('sets halt polling when defining a VM and with PATCH, within the hypervisor limit', async () => {
    const defined = await call({ method: 'POST', path: '/vms', body: definition('polling', { haltPollUs: 0 }) });
    expect(defined.status).toBe(201);
    expect(defined.json).toMatchObject({ vm: { configuration: { haltPollUs: 0 } } });
    const patched = await call({ method: 'PATCH', path: '/vms/polling', body: { haltPollUs: 1000 } });
    expect(patched.json).toMatchObject({ vm: { configuration: { haltPollUs: 1000 } } });
    const refused = await call({ method: 'PATCH', path: '/vms/polling', body: { haltPollUs: 100_001 } });
    expect(refused.status).toBe(400);
    expect(errorOf(refused)).toMatchObject({ code: 'invalid-parameter', field: 'haltPollUs' });
  });

  it('destroys an Off VM: 202 with the job, and the VM is gone', async () => {
    const vm = await define('to-destroy');
    const response = await call({ method: 'DELETE', path: `/vms/${vm.id}` });
    expect(response.status).toBe(202);
    expect(response.json).toMatchObject({ job: { operation: 'vm.destroy', vmId: vm.id } });
    expect((await call({ path: `/vms/${vm.id}` })).status).toBe(404);
  });

  it('answers a state change to the state the VM is in with 200 and returnValue 0', async () => {
    await define('state-noop');
    const response = await call({ method: 'POST', path: '/vms/state-noop/state', body: { requestedState: 'off' } });
    expect(response.status).toBe(200);
    expect(response.json).toEqual({ returnValue: 0 });
    const numeric = await call({ method: 'POST', path: '/vms/state-noop/state', body: { requestedState: 3 } });
    expect(numeric.json).toEqual({ returnValue: 0 });
  });

  it('refuses a state change the state model forbids with 409 and 32775', async () => {
    await define('state-refused');
    for (const requestedState of ['pause', 'resume', 32768]) {
      const response = await call({ method: 'POST', path: '/vms/state-refused/state', body: { requestedState } });
      expect(response.status, String(requestedState)).toBe(409);
      expect(errorOf(response)).toMatchObject({ code: 'invalid-state', returnValue: ReturnCode.InvalidState });
    }
  });

  it('refuses save as not supported: 400 with 32770', async () => {
    await define('state-save');
    for (const requestedState of ['save', 32769]) {
      const response = await call({ method: 'POST', path: '/vms/state-save/state', body: { requestedState } });
      expect(response.status).toBe(400);
      expect(errorOf(response)).toMatchObject({ code: 'not-supported', returnValue: ReturnCode.NotSupported });
    }
  });

  it('lists devices and counters, and keeps the console output as text', async () => {
    await define('quiet');
    expect((await call({ path: '/vms/quiet/devices' })).json).toEqual([]);
    const counters = await call({ path: '/vms/quiet/counters' });
    expect(counters.status).toBe(200);
    expect(counters.json).toMatchObject({ uptimeMs: 0, vpBusyMs: expect.any(Array) as unknown });
    const consoleText = await call({ path: '/vms/quiet/console' });
    expect(consoleText.status).toBe(200);
    expect(consoleText.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(consoleText.text).toBe('');
  });

  it('answers an operation of a device the VM does not have with 404', async () => {
    await define('no-devices');
    const response = await call({ method: 'POST', path: `/vms/no-devices/devices/${randomUUID()}/operations/set`, body: { key: 'x' } });
    expect(response.status).toBe(404);
    expect(errorOf(response).code).toBe('device-not-found');
  });
});

describe('job routes', () => {
  it('lists jobs, reads one, and answers 404 for an unknown one', async () => {
    const created = await call({ method: 'POST', path: '/vms', body: definition('job-source') });
    const { job } = created.json as { job: { id: string } };
    expect((await call({ path: '/jobs' })).json).toEqual(expect.arrayContaining([expect.objectContaining({ id: job.id })]));
    expect((await call({ path: `/jobs/${job.id}` })).json).toMatchObject({ id: job.id, state: 7, percentComplete: 100 });
    const missing = await call({ path: '/jobs/nope' });
    expect(missing.status).toBe(404);
    expect(errorOf(missing).code).toBe('job-not-found');
    expect((await call({ method: 'DELETE', path: '/jobs/nope' })).status).toBe(404);
    const finished = await call({ method: 'DELETE', path: `/jobs/${job.id}` });
    expect(finished.status).toBe(202);
    expect(finished.json).toMatchObject({ id: job.id, state: 7 });
  });
});

describe('a reader', () => {
  it('reads', async () => {
    expect((await call({ path: '/vms', token: testTokens.reader })).status).toBe(200);
    expect((await call({ path: '/jobs', token: testTokens.reader })).status).toBe(200);
    expect((await call({ path: '/metrics', token: testTokens.reader })).status).toBe(200);
  });

  it('gets 403 with 32769 on every route that changes something, and nothing is written', async () => {
    const vm = await define('guarded');
    const { job } = (await call({ method: 'POST', path: '/vms', body: definition('guarded-2') })).json as { job: { id: string } };
    const before = await harness.inventorySnapshot();
    const changing: TestRequest[] = [
      { method: 'POST', path: '/vms', body: definition('intruder') },
      { method: 'PATCH', path: `/vms/${vm.id}`, body: { notes: 'defaced' } },
      { method: 'DELETE', path: `/vms/${vm.id}` },
      ...['run', 'off', 'shutdown', 'reboot', 'reset', 'pause', 'resume'].map((requestedState) => ({
        method: 'POST',
        path: `/vms/${vm.id}/state`,
        body: { requestedState },
      })),
      { method: 'POST', path: `/vms/${vm.id}/devices/${randomUUID()}/operations/set`, body: {} },
      { method: 'DELETE', path: `/jobs/${job.id}` },
      { method: 'GET', path: `/vms/${vm.id}/console` },
    ];
    for (const request of changing) {
      const response = await call({ ...request, token: testTokens.reader });
      expect(response.status, `${request.method} ${request.path} ${JSON.stringify(request.body)}`).toBe(403);
      expect(errorOf(response)).toMatchObject({ code: 'access-denied', returnValue: ReturnCode.AccessDenied });
    }
    expect(await harness.inventorySnapshot()).toEqual(before);
    expect((await call({ path: `/vms/${vm.id}` })).json).toMatchObject({ state: 'Off' });
  });

  it('and an operator may not define VMs either', async () => {
    const response = await call({ method: 'POST', path: '/vms', body: definition('by-operator'), token: testTokens.operator });
    expect(response.status).toBe(403);
  });
});

describe('malformed input', () => {
  const cases: readonly { name: string; request: TestRequest; status: number; code: string; field: string }[] = [
    { name: 'bad memory text', request: { method: 'POST', path: '/vms', body: { name: 'm1', memory: '64Q', guest: { program: '/x' } } }, status: 400, code: 'invalid-parameter', field: 'memory' },
    { name: 'memory out of range', request: { method: 'POST', path: '/vms', body: { name: 'm2', memory: '4G', guest: { program: '/x' } } }, status: 400, code: 'invalid-parameter', field: 'memory' },
    { name: 'an unknown field', request: { method: 'POST', path: '/vms', body: { name: 'm3', memory: '64M', guest: { program: '/x' }, colour: 'red' } }, status: 400, code: 'invalid-parameter', field: 'colour' },
    { name: 'an unknown nested field', request: { method: 'POST', path: '/vms', body: { name: 'm4', memory: '64M', guest: { program: '/x', args: [] } } }, status: 400, code: 'invalid-parameter', field: 'guest.args' },
    { name: 'a wrong type', request: { method: 'POST', path: '/vms', body: { name: 'm5', memory: '64M', processors: 'two', guest: { program: '/x' } } }, status: 400, code: 'invalid-parameter', field: 'processors' },
    { name: 'a device of a wrong type', request: { method: 'POST', path: '/vms', body: { name: 'm6', memory: '64M', guest: { program: '/x' }, devices: [{ class: 7 }] } }, status: 400, code: 'invalid-parameter', field: 'devices[0].class' },
    { name: 'a missing field', request: { method: 'POST', path: '/vms', body: { name: 'm7', memory: '64M', guest: {} } }, status: 400, code: 'invalid-parameter', field: 'guest.program' },
    { name: 'a body that is not JSON', request: { method: 'POST', path: '/vms', body: '{"name": "m8",' }, status: 400, code: 'invalid-json', field: '' },
    { name: 'an array for a body', request: { method: 'POST', path: '/vms', body: [] }, status: 400, code: 'invalid-parameter', field: '' },
    { name: 'a body that is not JSON at all', request: { method: 'POST', path: '/vms', body: 'name=m9', contentType: 'text/plain' }, status: 415, code: 'unsupported-media-type', field: '' },
    { name: 'a body over the limit', request: { method: 'POST', path: '/vms', body: { name: 'm10', memory: '64M', guest: { program: '/x' }, notes: 'n'.repeat(MAX_BODY_BYTES) } }, status: 413, code: 'body-too-large', field: '' },
    { name: 'an unknown requested state', request: { method: 'POST', path: '/vms/anything/state', body: { requestedState: 'fly' } }, status: 400, code: 'invalid-parameter', field: 'requestedState' },
    { name: 'an unknown state code', request: { method: 'POST', path: '/vms/anything/state', body: { requestedState: 5 } }, status: 400, code: 'invalid-parameter', field: 'requestedState' },
    { name: 'a state change without a body', request: { method: 'POST', path: '/vms/anything/state' }, status: 400, code: 'invalid-parameter', field: '' },
    { name: 'an unknown PATCH field', request: { method: 'PATCH', path: '/vms/anything', body: { id: randomUUID() } }, status: 400, code: 'invalid-parameter', field: 'id' },
    { name: 'an unknown query parameter', request: { method: 'GET', path: '/vms/anything/console?tail=5' }, status: 400, code: 'invalid-parameter', field: 'tail' },
    { name: 'a JSON __proto__ key', request: { method: 'POST', path: '/vms', body: '{"name":"m11","__proto__":{"admin":true}}' }, status: 400, code: 'invalid-json', field: '' },
  ];

  it.each(cases)('$name → $status $code naming the field, and the inventory is unchanged', async ({ request, status, code, field }) => {
    const before = await harness.inventorySnapshot();
    const response = await call(request);
    expect(response.status, response.text).toBe(status);
    const error = errorOf(response);
    expect(error.code).toBe(code);
    if (status === 400) {
      expect(error.field).toBe(field);
      expect(error.message.startsWith(field === '' ? '' : `${field}: `)).toBe(true);
    }
    expect(await harness.inventorySnapshot()).toEqual(before);
  });

  it('refuses a guest program that is not on the host, naming the field, as the service checks it', async () => {
    const response = await call({ method: 'POST', path: '/vms', body: { name: 'ghost', memory: '64M', guest: { program: '/nonexistent/guest.ts' } } });
    expect(response.status).toBe(400);
    expect(errorOf(response)).toMatchObject({ code: 'invalid-parameter', field: 'guest.program', returnValue: ReturnCode.InvalidParameter });
  });

  it('refuses a device class no plugin serves, naming the field', async () => {
    const response = await call({ method: 'POST', path: '/vms', body: definition('devices-bad', { devices: [{ class: 'storage.nothing' }] }) });
    expect(response.status).toBe(400);
    expect(errorOf(response)).toMatchObject({ field: 'devices[0].class' });
  });

  it('answers an unknown route with 404 in the same shape', async () => {
    const response = await call({ path: '/nothing/here' });
    expect(response.status).toBe(404);
    expect(errorOf(response).code).toBe('route-not-found');
  });
});

describe('GET /events', () => {
  it('delivers a vm-defined event after POST /vms, and keep-alive comments', async () => {
    const stream = await openEventStream(harness.endpoint, { path: '/events', token: testTokens.reader });
    try {
      expect(stream.status).toBe(200);
      expect(stream.headers['content-type']).toBe('text/event-stream; charset=utf-8');
      await define('evented');
      const event = await stream.next('vm-defined');
      expect(JSON.parse(event.data)).toMatchObject({ type: 'vm-defined', vm: { name: 'evented', state: 'Off' } });
      const job = await stream.next('job');
      expect(JSON.parse(job.data)).toMatchObject({ type: 'job', job: { operation: expect.any(String) as unknown } });
      await vi.waitFor(() => expect(stream.received()).toContain(': keep-alive\n\n'), { timeout: 10_000 });
    } finally {
      stream.close();
    }
  });

  it('is refused to an unauthenticated caller before any stream starts', async () => {
    const response = await call({ path: '/events', token: 'x'.repeat(20) });
    expect(response.status).toBe(401);
  });

  it('streams console output with follow=1', async () => {
    await define('console-follow');
    const stream = await openEventStream(harness.endpoint, { path: '/vms/console-follow/console?follow=1' });
    try {
      expect(stream.status).toBe(200);
      expect(stream.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    } finally {
      stream.close();
    }
  });
});

describe('GET /metrics', () => {
  it('is Prometheus text 0.0.4 with a gauge per VM, labelled by name and id, and jobs by state', async () => {
    const vm = await define('metered');
    const response = await call({ path: '/metrics', token: testTokens.reader });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    const exposition = parsePrometheusText(response.text);
    for (const name of [
      'tsvisor_vm_enabled_state',
      'tsvisor_vm_health_state',
      'tsvisor_vm_heartbeat_status',
      'tsvisor_vm_uptime_seconds',
      'tsvisor_vm_processor_load_percent',
      'tsvisor_vm_memory_usage_bytes',
      'tsvisor_device_counter',
      'tsvisor_jobs',
    ]) {
      expect(exposition.types.has(name), name).toBe(true);
      expect(exposition.help.has(name), name).toBe(true);
    }
    expect(exposition.samples).toContainEqual({ name: 'tsvisor_vm_enabled_state', labels: { vm: 'metered', vm_id: vm.id }, value: 3 });
    expect(exposition.samples).toContainEqual({ name: 'tsvisor_vm_health_state', labels: { vm: 'metered', vm_id: vm.id }, value: 5 });
    const completed = exposition.samples.find((sample) => sample.name === 'tsvisor_jobs' && sample.labels['state'] === 'Completed');
    expect(completed?.value).toBeGreaterThan(0);
  });
});

describe('GET /openapi.json', () => {
  const routeTable = [
    'get /vms',
    'post /vms',
    'get /vms/{vm}',
    'patch /vms/{vm}',
    'delete /vms/{vm}',
    'post /vms/{vm}/state',
    'get /vms/{vm}/devices',
    'post /vms/{vm}/devices/{instanceId}/operations/{operation}',
    'get /vms/{vm}/counters',
    'get /vms/{vm}/console',
    'get /jobs',
    'get /jobs/{id}',
    'delete /jobs/{id}',
    'get /events',
    'get /inventory/problems',
    'post /images',
    'get /images/info',
    'post /images/convert',
    'post /images/check',
    'get /switches',
    'post /switches',
    'get /switches/{name}',
    'delete /switches/{name}',
    'get /metrics',
    'get /openapi.json',
  ];

  it('is an OpenAPI 3.1 document listing every route, each with an operation id and responses', async () => {
    const response = await call({ path: '/openapi.json', token: testTokens.reader });
    expect(response.status).toBe(200);
    const document = JSON.parse(response.text) as {
      openapi: string;
      paths: Record<string, Record<string, { operationId: string; responses: Record<string, unknown> }>>;
      components: { schemas: Record<string, unknown> };
    };
    expect(document.openapi).toBe('3.1.0');
    const listed = Object.entries(document.paths).flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method} ${path}`));
    expect(listed.sort()).toEqual([...routeTable].sort());
    const operations = Object.values(document.paths).flatMap((each) => Object.values(each));
    expect(new Set(operations.map((operation) => operation.operationId)).size).toBe(routeTable.length);
    for (const operation of operations) expect(Object.keys(operation.responses)).toContain('4XX');
  });

  it('refers only to components it has, and describes the bodies as the routes check them', async () => {
    const text = (await call({ path: '/openapi.json' })).text;
    const document = JSON.parse(text) as {
      paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: Record<string, unknown> }> } }>>;
      components: { schemas: Record<string, unknown> };
    };
    const references = [...text.matchAll(/"\$ref":"([^"]+)"/g)].map((match) => match[1]!);
    expect(references.length).toBeGreaterThan(0);
    for (const reference of references) {
      expect(reference).toMatch(/^#\/components\/schemas\//);
      expect(document.components.schemas).toHaveProperty(reference.slice('#/components/schemas/'.length));
    }
    const define = document.paths['/vms']!['post']! as { description: string; requestBody: { content: Record<string, { schema: unknown }> } };
    expect(define.description).toContain('Authorized as vm.define: least role administrator.');
    const defineBody = define.requestBody.content['application/json']!.schema;
    expect(defineBody).toMatchObject({ type: 'object', additionalProperties: false, required: expect.arrayContaining(['name', 'memory', 'guest']) as unknown });
  });
});

describe('image routes on a host without a disk image service', () => {
  it('answers 400 not-supported, naming what the host build lacks', async () => {
    const response = await call({ method: 'POST', path: '/images/check', body: { path: '/tmp/disk.vhdx' } });
    expect(response.status).toBe(400);
    expect(errorOf(response)).toMatchObject({ code: 'not-supported', returnValue: ReturnCode.NotSupported, message: expect.stringMatching(/no disk image service/) as unknown });
  });

  it('lets only an administrator create or convert images', async () => {
    const response = await call({ method: 'POST', path: '/images', token: testTokens.operator, body: { path: '/tmp/disk.vhdx', format: 'vhdx', size: '1G' } });
    expect(response.status).toBe(403);
    expect(errorOf(response).code).toBe('access-denied');
  });

  it('refuses an unknown field of a body, naming it', async () => {
    const response = await call({ method: 'POST', path: '/images/convert', body: { source: '/a.raw', destination: '/b.vhdx', to: 'vhdx', sparse: true } });
    expect(response.status).toBe(400);
    expect(errorOf(response)).toMatchObject({ code: 'invalid-parameter', field: 'sparse' });
  });
});

describe('switch routes on a host without a virtual switch service', () => {
  it('answer 400 not-supported, naming what the host build lacks', async () => {
    for (const request of [{ path: '/switches' }, { path: '/switches/lan' }, { method: 'POST', path: '/switches', body: { name: 'lan', kind: 'private' } }, { method: 'DELETE', path: '/switches/lan' }]) {
      const response = await call(request);
      expect(response.status, `${request.method ?? 'GET'} ${request.path}`).toBe(400);
      expect(errorOf(response)).toMatchObject({ code: 'not-supported', returnValue: ReturnCode.NotSupported, message: expect.stringMatching(/no virtual switch service/) as unknown });
    }
  });
});

describe('switch routes', () => {
  let switches: FixtureVirtualSwitchManagement;
  let networked: ApiHarness;
  const callNetworked = (request: TestRequest): Promise<TestResponse> => send(networked.endpoint, request);
  const switchFiles = async (): Promise<string[]> => (await readdir(networked.switchDirectory).catch(() => [] as string[])).sort();

  beforeAll(async () => {
    switches = new FixtureVirtualSwitchManagement();
    networked = await startApiHarness({ virtualSwitches: switches });
  });
  afterAll(() => networked.close());

  it('create a switch: 201, the switch, the completed job and its Location; list and read it with its ports', async () => {
    const created = await callNetworked({ method: 'POST', path: '/switches', body: { name: 'lan', kind: 'private', notes: 'web tier', maxPorts: 16 } });
    expect(created.status, created.text).toBe(201);
    expect(created.headers['location']).toBe('/switches/lan');
    expect(created.json).toMatchObject({
      switch: { name: 'lan', kind: 'private', notes: 'web tier', maxPorts: 16, up: true, ports: [], counters: { framesForwarded: 0 } },
      job: { operation: 'switch.create', state: 7 },
    });
    switches.attachPort('lan', { name: 'nic0', vm: 'web-01', macAddress: '00-15-5D-0A-0B-0C', vlan: { mode: 'access', vlanId: 20 }, counters: { framesIn: 3 } });

    const listed = await callNetworked({ path: '/switches', token: testTokens.reader });
    expect(listed.status).toBe(200);
    expect((listed.json as { name: string }[]).map((each) => each.name)).toEqual(['lan']);
    const shown = await callNetworked({ path: '/switches/LAN', token: testTokens.reader });
    expect(shown.status).toBe(200);
    expect(shown.json).toMatchObject({ name: 'lan', ports: [{ name: 'nic0', vm: 'web-01', macAddress: '00-15-5D-0A-0B-0C', vlan: { mode: 'access', vlanId: 20 }, counters: { framesIn: 3 } }] });
    expect(await switchFiles()).toEqual(['lan.json']);
  });

  it('refuse to delete a switch with ports attached: 409 switch-in-use naming it; delete it once they are gone: 202 with the job', async () => {
    await callNetworked({ method: 'POST', path: '/switches', body: { name: 'busy', kind: 'internal' } });
    switches.attachPort('busy', { name: 'nic0', vm: 'db-01', counters: {} });

    const refused = await callNetworked({ method: 'DELETE', path: '/switches/busy' });
    expect(refused.status).toBe(409);
    expect(errorOf(refused)).toMatchObject({ code: 'switch-in-use', returnValue: ReturnCode.InvalidState, message: expect.stringContaining('"busy"') as unknown });

    switches.detachPort('busy', 'nic0');
    const deleted = await callNetworked({ method: 'DELETE', path: '/switches/busy' });
    expect(deleted.status).toBe(202);
    expect(deleted.json).toMatchObject({ job: { operation: 'switch.delete', state: 7 } });
    expect(await switchFiles()).not.toContain('busy.json');
  });

  it('answer 404 switch-not-found for a switch there is not', async () => {
    for (const request of [{ path: '/switches/nowhere' }, { method: 'DELETE', path: '/switches/nowhere' }]) {
      const response = await callNetworked(request);
      expect(response.status).toBe(404);
      expect(errorOf(response)).toMatchObject({ code: 'switch-not-found', message: 'there is no virtual switch named "nowhere"' });
    }
  });

  it.each([
    { name: 'a name with a slash', body: { name: 'a/b', kind: 'private' }, field: 'name' },
    { name: 'a name too long', body: { name: 'n'.repeat(65), kind: 'private' }, field: 'name' },
    { name: 'no kind', body: { name: 'k1' }, field: 'kind' },
    { name: 'a kind the service lacks', body: { name: 'k2', kind: 'external' }, field: 'kind' },
    { name: 'maxPorts of 0', body: { name: 'k3', kind: 'private', maxPorts: 0 }, field: 'maxPorts' },
    { name: 'an unknown field', body: { name: 'k4', kind: 'private', uplink: 'eth0' }, field: 'uplink' },
  ])('refuse $name with 400 naming the field $field, writing nothing', async ({ body, field }) => {
    const before = await switchFiles();
    const response = await callNetworked({ method: 'POST', path: '/switches', body });
    expect(response.status, response.text).toBe(400);
    expect(errorOf(response)).toMatchObject({ code: 'invalid-parameter', returnValue: ReturnCode.InvalidParameter, field });
    expect(await switchFiles()).toEqual(before);
  });

  it('refuse a name another switch has, in any case: 409 duplicate-switch-name, field name', async () => {
    await callNetworked({ method: 'POST', path: '/switches', body: { name: 'dmz', kind: 'private' } });
    const response = await callNetworked({ method: 'POST', path: '/switches', body: { name: 'DMZ', kind: 'private' } });
    expect(response.status).toBe(409);
    expect(errorOf(response)).toMatchObject({ code: 'duplicate-switch-name', field: 'name', returnValue: ReturnCode.InvalidParameter });
  });

  it('let a reader list and read, but answer 403 to a reader or an operator that creates or deletes, changing nothing', async () => {
    await callNetworked({ method: 'POST', path: '/switches', body: { name: 'guarded', kind: 'private' } });
    const before = await switchFiles();
    for (const token of [testTokens.reader, testTokens.operator]) {
      for (const request of [{ method: 'POST', path: '/switches', body: { name: 'intruder', kind: 'private' } }, { method: 'DELETE', path: '/switches/guarded' }]) {
        const response = await callNetworked({ ...request, token });
        expect(response.status, `${request.method} ${request.path}`).toBe(403);
        expect(errorOf(response)).toMatchObject({ code: 'access-denied', returnValue: ReturnCode.AccessDenied });
      }
    }
    expect(await switchFiles()).toEqual(before);
    expect((await callNetworked({ path: '/switches/guarded', token: testTokens.reader })).status).toBe(200);
  });
});

describe('GET /inventory/problems', () => {
  it('lists the broken configuration files found at load, naming file and field', async () => {
    const broken = await startApiHarness({ inventoryFiles: { [`${randomUUID()}.json`]: '{ "schemaVersion": 1, "id":' } });
    try {
      const response = await send(broken.endpoint, { path: '/inventory/problems' });
      expect(response.status).toBe(200);
      expect(response.json).toEqual([expect.objectContaining({ field: '', problem: expect.stringMatching(/JSON/) as unknown })]);
      expect((await call({ path: '/inventory/problems' })).json).toEqual([]);
    } finally {
      await broken.close();
    }
  });
});
