import { DeviceConfigError } from '@tsvisor/device-sdk';
import { Hypervisor, PrebuiltGuestImageLoader, PrebuiltVpRuntimeSource } from '@tsvisor/hypervisor-core';
import type { WorkerCommand, WorkerErrorInfo, WorkerReport } from '../control/control-messages.js';
import { VirtualMotherboard, type MotherboardPlugins } from './virtual-motherboard.js';

/** Options of a {@link WorkerHost}. */
export interface WorkerHostOptions {
  readonly plugins: MotherboardPlugins;
  /** Carries a report to the VMMS. */
  readonly send: (report: WorkerReport) => void;
}

function errorInfo(error: unknown): WorkerErrorInfo {
  if (error instanceof DeviceConfigError) return { name: error.name, message: error.message, field: error.field };
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'Error', message: String(error) };
}

/**
 * The worker side of the control channel: runs the commands of the VMMS against the VM's
 * {@link VirtualMotherboard} and answers each with one reply. The same object serves an OS
 * worker process (over its IPC channel) and the in-process mode.
 */
export class WorkerHost {
  readonly #options: WorkerHostOptions;
  #motherboard: VirtualMotherboard | undefined;
  #resolveEnded!: () => void;
  /** Resolves once the VM has ended (off or failed) after a start: the worker's work is done. */
  readonly ended: Promise<void> = new Promise((resolve) => {
    this.#resolveEnded = resolve;
  });

  constructor(options: WorkerHostOptions) {
    this.#options = options;
  }

  /** Runs `command`; its reply (or error) is sent when it finishes. */
  handle(command: WorkerCommand): void {
    this.#run(command).then(
      (value) => this.#options.send({ kind: 'reply', id: command.id, ok: true, value: value ?? null }),
      (error: unknown) => this.#options.send({ kind: 'reply', id: command.id, ok: false, error: errorInfo(error) }),
    );
  }

  async #run(command: WorkerCommand): Promise<unknown> {
    if (command.kind === 'start') {
      if (this.#motherboard) throw new Error('this worker has already started its VM');
      const entry = `vm:${command.vm.id}`;
      const hypervisor = new Hypervisor(
        undefined,
        new PrebuiltGuestImageLoader({ [entry]: command.guestImage }),
        new PrebuiltVpRuntimeSource(command.vpRuntime),
      );
      const motherboard = new VirtualMotherboard({
        vm: command.vm,
        plugins: this.#options.plugins,
        hypervisor,
        guestEntry: entry,
        report: this.#options.send,
        sampleIntervalMs: command.sampleIntervalMs,
      });
      this.#motherboard = motherboard;
      void motherboard.ended.then(() => hypervisor.shutdown()).finally(() => this.#resolveEnded());
      await motherboard.powerOn();
      return null;
    }
    const motherboard = this.#motherboard;
    if (!motherboard) throw new Error('the VM has not been started');
    switch (command.kind) {
      case 'off':
        return motherboard.powerOff();
      case 'reset':
        return motherboard.reset();
      case 'pause':
        return motherboard.pause();
      case 'resume':
        return motherboard.resume();
      case 'shutdown':
        return motherboard.shutdown(command.reason, command.restart, command.timeoutMs);
      case 'invoke':
        return motherboard.invoke(command.instanceId, command.operation, command.input, AbortSignal.timeout(30_000));
    }
  }
}
