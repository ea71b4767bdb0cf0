import { locatePackage } from '@tsvisor/device-sdk/host';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { send, type Endpoint, type TestResponse } from '../../api/test-fixtures/http-client.js';

const here = dirname(fileURLToPath(import.meta.url));

/** The integration-services example guest program of the repository. */
export const INTEGRATION_GUEST = resolve(here, '../../../../../examples/guests/src/integration-services.ts');

/**
 * Writes a host build into `dir`: a package depending on `@tsvisor/integration` (linked to the
 * workspace's), as a real host build would install it. Returns its directory.
 */
export async function writeIntegrationHostBuild(dir: string): Promise<string> {
  const integration = await locatePackage('@tsvisor/integration', here);
  if (!integration) throw new Error('the tests need @tsvisor/integration installed in the workspace');
  const hostDir = join(dir, 'host-build');
  await mkdir(join(hostDir, 'node_modules', '@tsvisor'), { recursive: true });
  await writeFile(join(hostDir, 'package.json'), JSON.stringify({ name: 'test-host-build', version: '0.0.0', private: true, dependencies: { '@tsvisor/integration': '*' } }));
  await symlink(integration, join(hostDir, 'node_modules', '@tsvisor', 'integration'), 'dir');
  return hostDir;
}

/** The four integration services devices, with short intervals for tests. */
export const INTEGRATION_DEVICES = [
  { class: 'integration.heartbeat', config: { intervalMs: 100, missedLimit: 5 } },
  { class: 'integration.shutdown', config: { timeoutSeconds: 10 } },
  { class: 'integration.timesync', config: { intervalMs: 100 } },
  { class: 'integration.kvp', config: {} },
] as const;

/** `send`, expecting `status`. */
export async function expectStatus(endpoint: Endpoint, request: Parameters<typeof send>[1], status: number): Promise<TestResponse> {
  const response = await send(endpoint, request);
  if (response.status !== status) throw new Error(`${request.method ?? 'GET'} ${request.path}: expected ${status}, got ${response.status}: ${response.text}`);
  return response;
}

/** Polls `check` every 50 ms until it returns a value (not `undefined`), or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
