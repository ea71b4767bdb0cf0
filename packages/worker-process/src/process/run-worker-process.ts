import { deviceContributions } from '@tsvisor/device-sdk/host';
import { Container, type ContainerModule } from 'inversify';
import type { WorkerCommand } from '../control/control-messages.js';
import { WorkerHost } from '../motherboard/worker-host.js';

/**
 * The body of a VM worker process: loads the plugins' host modules (bundled into the process's
 * script by the launcher), then serves the VMMS's commands from its IPC channel until the VM has
 * ended, and exits 0. If the VMMS goes away, the worker goes too.
 */
export async function runWorkerProcess(hostModules: readonly ContainerModule[]): Promise<void> {
  const send = process.send?.bind(process);
  if (!send) throw new Error('a worker process must be started by the VMMS, with an IPC channel');
  const container = new Container();
  for (const module of hostModules) await container.load(module);
  let lastSent = Promise.resolve();
  const host = new WorkerHost({
    plugins: deviceContributions(container),
    send: (report) => {
      lastSent = new Promise((resolve) => send(report, () => resolve()));
    },
  });
  process.on('message', (command) => host.handle(command as WorkerCommand));
  const orphaned = (): never => process.exit(1);
  process.on('disconnect', orphaned);
  await host.ended;
  // Let the last reports leave before the channel closes.
  await lastSent;
  process.off('disconnect', orphaned);
  process.disconnect();
}
