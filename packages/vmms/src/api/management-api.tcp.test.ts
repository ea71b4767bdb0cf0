import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Vmms } from '../service/vmms.js';
import { createManagementApi } from './management-api.js';
import { listenOnTcp } from './tcp-listener.js';
import { TcpWithoutTokensError } from './tcp-without-tokens-error.js';
import { startApiHarness, testTokens, type ApiHarness } from './test-fixtures/api-harness.js';
import { send } from './test-fixtures/http-client.js';
import { TokenTable } from './token-table.js';
import { listenOnUnixSocket } from './unix-socket-listener.js';

let harness: ApiHarness;

beforeAll(async () => {
  harness = await startApiHarness({ transport: 'tcp' });
});

afterAll(async () => {
  await harness.close();
});

describe('the management API over TCP', () => {
  it('answers a request without a token with 401 and a Bearer challenge', async () => {
    const response = await send(harness.endpoint, { path: '/vms' });
    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer realm="tsvisor"');
    expect(response.json).toMatchObject({ error: { code: 'unauthenticated' } });
  });

  it('answers a bad token with 401 invalid_token', async () => {
    const response = await send(harness.endpoint, { path: '/vms', token: `${testTokens.reader}x` });
    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer realm="tsvisor", error="invalid_token"');
  });

  it('serves a good token in its role', async () => {
    expect((await send(harness.endpoint, { path: '/vms', token: testTokens.reader })).status).toBe(200);
    const denied = await send(harness.endpoint, { method: 'DELETE', path: '/vms/anything', token: testTokens.reader });
    expect(denied.status).toBe(403);
  });

  it('cannot be talked into treating a caller as the socket owner by any header', async () => {
    const spoofs: Record<string, string>[] = [{ 'x-forwarded-for': '127.0.0.1' }, { forwarded: 'for=unix' }, { host: 'localhost' }, { 'x-real-ip': '' }];
    for (const headers of spoofs) {
      expect((await send(harness.endpoint, { path: '/vms', headers })).status).toBe(401);
    }
  });

  it('answers even an unknown route with 401 first: no route is revealed to a stranger', async () => {
    expect((await send(harness.endpoint, { path: '/nothing' })).status).toBe(401);
  });
});

describe('listeners', () => {
  it('refuse TCP without bearer tokens', async () => {
    const app = createManagementApi(harness.vmms, { tokens: TokenTable.of([]), transport: 'tcp' });
    try {
      await expect(listenOnTcp(app, { host: '127.0.0.1', port: 0 })).rejects.toBeInstanceOf(TcpWithoutTokensError);
      expect(app.server.listening).toBe(false);
    } finally {
      await app.close();
    }
  });

  it('start an API only on the transport it was made for', async () => {
    const unixApp = createManagementApi(harness.vmms, { tokens: TokenTable.of([{ name: 'x', role: 'reader', token: testTokens.reader }]), transport: 'unix-socket' });
    const tcpApp = createManagementApi(harness.vmms, { tokens: TokenTable.of([]), transport: 'tcp' });
    try {
      await expect(listenOnTcp(unixApp, { host: '127.0.0.1', port: 0 })).rejects.toThrow(/not tcp/);
      await expect(listenOnUnixSocket(tcpApp, `${harness.directory}/other.sock`)).rejects.toThrow(/not unix-socket/);
    } finally {
      await Promise.all([unixApp.close(), tcpApp.close()]);
    }
  });

  it('refuse a Fastify instance the management API did not make', async () => {
    const { default: Fastify } = await import('fastify');
    const stranger = Fastify();
    await expect(listenOnTcp(stranger, { host: '127.0.0.1', port: 0 })).rejects.toThrow(TypeError);
    expect(harness.vmms).toBeInstanceOf(Vmms);
  });
});
