import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composePlugins, type VirtualSwitchManagementService } from '@tsvisor/device-sdk/host';
import { InProcessWorkerLauncher } from '@tsvisor/worker-process';
import type { FastifyInstance } from 'fastify';
import { FileInventoryStore } from '../../inventory/file-inventory-store.js';
import { FileVirtualSwitchStore } from '../../inventory/file-virtual-switch-store.js';
import { Vmms } from '../../service/vmms.js';
import type { ApiTransport } from '../api-transport.js';
import { createManagementApi } from '../management-api.js';
import { listenOnTcp } from '../tcp-listener.js';
import { TokenTable } from '../token-table.js';
import { listenOnUnixSocket } from '../unix-socket-listener.js';
import type { Endpoint } from './http-client.js';

/** The bearer tokens of the test token table, one per role. */
export const testTokens = {
  administrator: 'administrator-token-0123456789',
  operator: 'operator-token-0123456789abcdef',
  reader: 'reader-token-0123456789abcdefgh',
} as const;

/** A real VMMS over a file inventory in a temporary directory, served by the management API. */
export interface ApiHarness {
  readonly directory: string;
  readonly inventoryDirectory: string;
  /** Where the VMMS keeps its virtual switch definitions. */
  readonly switchDirectory: string;
  /** An existing guest program file (never run: no test starts a VM). */
  readonly guestProgram: string;
  readonly vmms: Vmms;
  readonly app: FastifyInstance;
  readonly endpoint: Endpoint;
  /** Every file of the inventory with its content, to compare before and after a refused request. */
  inventorySnapshot(): Promise<Readonly<Record<string, string>>>;
  close(): Promise<void>;
}

/** Options of {@link startApiHarness}. */
export interface ApiHarnessOptions {
  readonly transport?: ApiTransport;
  /** Written to the inventory before the VMMS loads it: file name → content. */
  readonly inventoryFiles?: Readonly<Record<string, string>>;
  readonly eventKeepAliveMs?: number;
  /** The host's virtual switch service; none by default, as a host build without a network plugin. */
  readonly virtualSwitches?: VirtualSwitchManagementService;
}

/**
 * Starts a {@link Vmms} (a {@link FileInventoryStore}, a {@link FileVirtualSwitchStore} and an
 * in-process launcher over an empty plugin composition) and its management API on a Unix socket, or on TCP at 127.0.0.1, in a new
 * temporary directory.
 */
export async function startApiHarness(options: ApiHarnessOptions = {}): Promise<ApiHarness> {
  const directory = await mkdtemp(join(tmpdir(), 'vmms-api-'));
  const inventoryDirectory = join(directory, 'inventory');
  const store = new FileInventoryStore(inventoryDirectory);
  await mkdir(inventoryDirectory, { recursive: true });
  for (const [name, content] of Object.entries(options.inventoryFiles ?? {})) await writeFile(join(inventoryDirectory, name), content);
  const switchDirectory = join(directory, 'switches');
  const guestProgram = join(directory, 'guest.ts');
  await writeFile(guestProgram, 'export {};\n');
  const composition = await composePlugins([]);
  const vmms = new Vmms({
    store,
    launcher: new InProcessWorkerLauncher(composition, { workDir: join(directory, 'work') }),
    resourceRoot: join(directory, 'resources'),
    registry: composition.registry,
    switchStore: new FileVirtualSwitchStore(switchDirectory),
    ...(options.virtualSwitches === undefined ? {} : { virtualSwitches: options.virtualSwitches }),
  });
  await vmms.load();

  const transport = options.transport ?? 'unix-socket';
  const app = createManagementApi(vmms, {
    tokens: TokenTable.of([
      { name: 'ops', role: 'administrator', token: testTokens.administrator },
      { name: 'ci', role: 'operator', token: testTokens.operator },
      { name: 'grafana', role: 'reader', token: testTokens.reader },
    ]),
    transport,
    ...(options.eventKeepAliveMs === undefined ? {} : { eventKeepAliveMs: options.eventKeepAliveMs }),
  });
  let endpoint: Endpoint;
  if (transport === 'unix-socket') {
    const socketPath = join(directory, 'vmms.sock');
    await listenOnUnixSocket(app, socketPath);
    endpoint = { socketPath };
  } else {
    endpoint = { port: (await listenOnTcp(app, { host: '127.0.0.1', port: 0 })).port };
  }

  return {
    directory,
    inventoryDirectory,
    switchDirectory,
    guestProgram,
    vmms,
    app,
    endpoint,
    async inventorySnapshot() {
      const names = (await readdir(inventoryDirectory)).sort();
      return Object.fromEntries(await Promise.all(names.map(async (name) => [name, await readFile(join(inventoryDirectory, name), 'utf8')] as const)));
    },
    async close() {
      await app.close();
      await vmms.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
