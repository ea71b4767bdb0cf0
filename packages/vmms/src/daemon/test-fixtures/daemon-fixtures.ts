import { locatePackage } from '@tsvisor/device-sdk/host';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { send, type Endpoint, type TestResponse } from '../../api/test-fixtures/http-client.js';

const here = dirname(fileURLToPath(import.meta.url));

/** The integration-services example guest program of the repository. */
export const INTEGRATION_GUEST = resolve(here, '../../../../../examples/guests/src/integration-services.ts');

/** The worker process package's test plugin whose careless VSP reads any host file a guest names. */
const HOST_FILE_PLUGIN = resolve(here, '../../../../worker-process/src/test-fixtures/host-file-plugin');

/**
 * Writes a host build into `dir`: a package depending on `@tsvisor/integration` and
 * `@tsvisor/storage` (linked to the workspace's; storage brings the disk image service), as a
 * real host build would install them, and on `@tsvisor-test/host-file-plugin`
 * (the worker process's test plugin, packaged here: its class `test.host-file` lets a guest ask
 * the host to read a file). Returns its directory.
 */
export async function writeIntegrationHostBuild(dir: string): Promise<string> {
  const integration = await locatePackage('@tsvisor/integration', here);
  const storage = await locatePackage('@tsvisor/storage', here);
  if (!integration || !storage) throw new Error('the tests need @tsvisor/integration and @tsvisor/storage installed in the workspace');
  const hostDir = join(dir, 'host-build');
  await mkdir(join(hostDir, 'node_modules', '@tsvisor'), { recursive: true });
  await writeFile(
    join(hostDir, 'package.json'),
    JSON.stringify({ name: 'test-host-build', version: '0.0.0', private: true, dependencies: { '@tsvisor/integration': '*', '@tsvisor/storage': '*', '@tsvisor-test/host-file-plugin': '*' } }),
  );
  await symlink(integration, join(hostDir, 'node_modules', '@tsvisor', 'integration'), 'dir');
  await symlink(storage, join(hostDir, 'node_modules', '@tsvisor', 'storage'), 'dir');
  const plugin = join(hostDir, 'node_modules', '@tsvisor-test', 'host-file-plugin');
  await mkdir(plugin, { recursive: true });
  await writeFile(
    join(plugin, 'package.json'),
    JSON.stringify({ name: '@tsvisor-test/host-file-plugin', version: '0.0.0', type: 'module', tsvisor: { deviceClasses: ['test.host-file', 'test.rogue-worker'], host: './host.ts', guest: './guest.ts' } }),
  );
  for (const side of ['host', 'guest']) {
    await writeFile(join(plugin, `${side}.ts`), `export { default } from ${JSON.stringify(join(HOST_FILE_PLUGIN, `${side}.ts`))};\n`);
  }
  return hostDir;
}

/**
 * Writes a guest program into `dir` that asks the `test.host-file` device to read each of `paths`
 * and prints `read <path>: <status> <text>` (status 0 read, 1 access denied, 2 other error), then
 * `reads done`, and idles. Returns its path.
 */
export async function writeFileReadingGuest(dir: string, paths: readonly string[]): Promise<string> {
  const file = join(dir, 'read-files.js');
  await writeFile(
    file,
    `export default async function program(machine) {
  const device = machine.devices.first('test.host-file');
  for (const path of ${JSON.stringify(paths)}) {
    const { status, text } = await device.read(path);
    machine.console.log('read ' + path + ': ' + status + ' ' + text);
  }
  machine.console.log('reads done');
  await new Promise(() => {});
}
`,
  );
  return file;
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
