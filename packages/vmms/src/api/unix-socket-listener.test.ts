import { spawn } from 'node:child_process';
import { lstat, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManagementApi } from './management-api.js';
import { startApiHarness, type ApiHarness } from './test-fixtures/api-harness.js';
import { openEventStream, send } from './test-fixtures/http-client.js';
import { TokenTable } from './token-table.js';
import { listenOnUnixSocket } from './unix-socket-listener.js';
import { UnixSocketPathError } from './unix-socket-path-error.js';

let harness: ApiHarness;

beforeAll(async () => {
  harness = await startApiHarness();
});

afterAll(async () => {
  await harness.close();
});

const newApi = () => createManagementApi(harness.vmms, { tokens: TokenTable.of([]), transport: 'unix-socket' });

/** Leaves a socket file nobody listens on: its process is killed before it can remove it. */
async function staleSocket(path: string): Promise<void> {
  const child = spawn(process.execPath, ['-e', `require('node:net').createServer().listen(${JSON.stringify(path)}, () => console.log('up'))`], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

describe('listenOnUnixSocket', () => {
  it('refuses a socket another daemon answers on, and leaves it working', async () => {
    const { socketPath } = harness.endpoint as { socketPath: string };
    const app = newApi();
    try {
      await expect(listenOnUnixSocket(app, socketPath)).rejects.toMatchObject({ name: 'UnixSocketPathError', reason: 'in-use' });
    } finally {
      await app.close();
    }
    expect((await send(harness.endpoint, { path: '/vms' })).status).toBe(200);
  });

  it('replaces a stale socket file', async () => {
    const path = join(harness.directory, 'stale.sock');
    await staleSocket(path);
    expect((await lstat(path)).isSocket()).toBe(true);
    const app = newApi();
    try {
      await listenOnUnixSocket(app, path);
      expect((await send({ socketPath: path }, { path: '/jobs' })).status).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('never removes a file that is not a socket', async () => {
    const path = join(harness.directory, 'precious.txt');
    await writeFile(path, 'keep me');
    const app = newApi();
    try {
      await expect(listenOnUnixSocket(app, path)).rejects.toBeInstanceOf(UnixSocketPathError);
    } finally {
      await app.close();
    }
    expect(await readFile(path, 'utf8')).toBe('keep me');
  });

  it('ends open event streams when the API closes, so that closing does not hang', async () => {
    const path = join(harness.directory, 'closing.sock');
    const app = newApi();
    await listenOnUnixSocket(app, path);
    const stream = await openEventStream({ socketPath: path }, { path: '/events' });
    expect(stream.status).toBe(200);
    await app.close();
    await stream.ended;
  });
});
