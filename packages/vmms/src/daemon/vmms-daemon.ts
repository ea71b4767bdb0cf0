import { composeHost, DEFAULT_ENTRY_CONDITIONS, type HostComposition } from '@tsvisor/device-sdk/host';
import { ChildProcessWorkerLauncher, InProcessWorkerLauncher, type VmWorkerLauncher } from '@tsvisor/worker-process';
import type { FastifyInstance } from 'fastify';
import { Container } from 'inversify';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createManagementApi } from '../api/management-api.js';
import { listenOnTcp, type TcpEndpoint } from '../api/tcp-listener.js';
import { loadTokenTable } from '../api/token-table-file.js';
import { TokenTable } from '../api/token-table.js';
import { listenOnUnixSocket } from '../api/unix-socket-listener.js';
import { FileInventoryStore } from '../inventory/file-inventory-store.js';
import { InventoryStore } from '../inventory/inventory-store.js';
import { FileVirtualSwitchStore } from '../inventory/file-virtual-switch-store.js';
import { VirtualSwitchStore } from '../inventory/virtual-switch-store.js';
import { Vmms } from '../service/vmms.js';

/** How a daemon runs VM workers: OS child processes under the permission model, or inside its own process. */
export type WorkerMode = 'process' | 'in-process';

/** Options of {@link startVmmsDaemon}. */
export interface VmmsDaemonOptions {
  /** The daemon's directory: `vms/` and `switches/` (the inventory), `resources/<vm id>/`, `cache/`, `vmms.sock`, `tokens.json`. */
  readonly dataDir: string;
  /** The host build: the package whose dependency tree holds the device plugins. */
  readonly hostPackageDir: string;
  /** Default `process`. */
  readonly workerMode?: WorkerMode;
  /** Also listen on TCP (bearer tokens only; the token file must have at least one). */
  readonly tcp?: TcpEndpoint;
  /** The bearer token file; default `<dataDir>/tokens.json` if it exists. */
  readonly tokensFile?: string;
  /** Export conditions for the plugins' entries; default their sources when this package runs from source, else their builds. */
  readonly conditions?: readonly string[];
  /** How often running VMs report samples, ms (default 1000). */
  readonly sampleIntervalMs?: number;
  /** How long a guest has for a guest-assisted shutdown, ms (default 30 s). */
  readonly shutdownTimeoutMs?: number;
}

/** A running daemon. */
export interface VmmsDaemon {
  readonly vmms: Vmms;
  readonly composition: HostComposition;
  /** The Unix socket the API listens on (mode 0600). */
  readonly socketPath: string;
  /** The TCP address, when asked for. */
  readonly tcpAddress?: { readonly host: string; readonly port: number };
  /** Stops listening, turns every VM off, and releases everything. */
  close(): Promise<void>;
}

/** Whether this module runs from its TypeScript sources (a workspace), so plugins should too. */
const runningFromSource = import.meta.url.endsWith('.ts');

/**
 * Starts the VMMS daemon (`tsvisor host start`): composes the host from the plugins of
 * `hostPackageDir`, loads the inventory of `<dataDir>/vms` and the virtual switches of
 * `<dataDir>/switches`, bringing each switch up through the plugins' switch service (broken files
 * are reported, the rest load; a host build replaces a store by rebinding the `InventoryStore` or
 * `VirtualSwitchStore` token in its host module), and serves the management API on `<dataDir>/vmms.sock` (and on TCP if asked, with bearer
 * tokens only). VMs run in worker processes under Node's permission model unless `workerMode` is
 * `in-process`.
 */
export async function startVmmsDaemon(options: VmmsDaemonOptions): Promise<VmmsDaemon> {
  const dataDir = resolve(options.dataDir);
  await mkdir(join(dataDir, 'vms'), { recursive: true, mode: 0o700 });
  // The default stores are bound before the plugins load, so that a host build's module can rebind them.
  const container = new Container();
  container.bind(InventoryStore).toConstantValue(new FileInventoryStore(join(dataDir, 'vms')));
  container.bind(VirtualSwitchStore).toConstantValue(new FileVirtualSwitchStore(join(dataDir, 'switches')));
  const composition = await composeHost({
    hostPackageDir: options.hostPackageDir,
    container,
    conditions: options.conditions ?? (runningFromSource ? ['@tsvisor/source', ...DEFAULT_ENTRY_CONDITIONS] : DEFAULT_ENTRY_CONDITIONS),
  });
  const launcherOptions = { workDir: join(dataDir, 'cache'), sampleIntervalMs: options.sampleIntervalMs ?? 1000 };
  const launcher: VmWorkerLauncher =
    options.workerMode === 'in-process' ? new InProcessWorkerLauncher(composition, launcherOptions) : new ChildProcessWorkerLauncher(composition, launcherOptions);
  const vmms = new Vmms({
    store: container.get(InventoryStore),
    launcher,
    resourceRoot: join(dataDir, 'resources'),
    registry: composition.registry,
    switchStore: container.get(VirtualSwitchStore),
    ...(composition.imageManagement === undefined ? {} : { images: composition.imageManagement }),
    ...(composition.virtualSwitchManagement === undefined ? {} : { virtualSwitches: composition.virtualSwitchManagement }),
    ...(options.shutdownTimeoutMs === undefined ? {} : { shutdownTimeoutMs: options.shutdownTimeoutMs }),
  });
  await vmms.load();
  const tokensFile = options.tokensFile ?? join(dataDir, 'tokens.json');
  const tokens = options.tokensFile !== undefined || existsSync(tokensFile) ? await loadTokenTable(tokensFile) : TokenTable.of([]);
  const apps: FastifyInstance[] = [];
  const close = async (): Promise<void> => {
    await Promise.all(apps.map((app) => app.close()));
    await vmms.close();
  };
  try {
    const socketPath = join(dataDir, 'vmms.sock');
    const local = createManagementApi(vmms, { tokens, transport: 'unix-socket' });
    apps.push(local);
    await listenOnUnixSocket(local, socketPath);
    let tcpAddress: { host: string; port: number } | undefined;
    if (options.tcp) {
      const remote = createManagementApi(vmms, { tokens, transport: 'tcp' });
      apps.push(remote);
      const address = await listenOnTcp(remote, options.tcp);
      tcpAddress = { host: address.address, port: address.port };
    }
    return { vmms, composition, socketPath, ...(tcpAddress ? { tcpAddress } : {}), close };
  } catch (error) {
    await close();
    throw error;
  }
}
