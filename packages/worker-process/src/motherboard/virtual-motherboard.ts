import { GUEST_CONSOLE_CONNECTION_ID } from '@tsvisor/device-sdk';
import type { DeviceClassRegistry, DeviceManagement, GuestShutdownOutcome, ManagementProvider, Vsp } from '@tsvisor/device-sdk/host';
import type { Hypervisor, Partition, PartitionState } from '@tsvisor/hypervisor-core';
import { HostVmbus } from '@tsvisor/vmbus';
import type { Subscription } from 'rxjs';
import type { WorkerDeviceInfo, WorkerReport, WorkerSample } from '../control/control-messages.js';
import type { WorkerVmSpec } from '../control/worker-vm-spec.js';
import { DeviceOperationNotFoundError } from './device-operation-not-found-error.js';
import { GuestConsoleBatcher } from './guest-console-batcher.js';
import { GuestShutdownUnavailableError } from './guest-shutdown-unavailable-error.js';

/** The device classes a motherboard can build and their management providers. */
export interface MotherboardPlugins {
  readonly registry: DeviceClassRegistry;
  readonly managementProviders: ReadonlyMap<string, ManagementProvider>;
}

/** A report the motherboard makes by itself (replies are the worker host's). */
export type MotherboardReport = Exclude<WorkerReport, { readonly kind: 'reply' }>;

/** Options of a {@link VirtualMotherboard}. */
export interface VirtualMotherboardOptions {
  readonly vm: WorkerVmSpec;
  readonly plugins: MotherboardPlugins;
  /** Makes the partition; its guest image loader must know `guestEntry`. */
  readonly hypervisor: Hypervisor;
  readonly guestEntry: string;
  readonly report: (report: MotherboardReport) => void;
  /** How often to report a {@link WorkerSample}, ms. */
  readonly sampleIntervalMs: number;
}

/** One power-on of the VM: the partition, its VMBus, the VSPs and their management. */
interface Board {
  readonly partition: Partition;
  readonly vmbus: HostVmbus;
  readonly vsps: readonly Vsp[];
  readonly management: ReadonlyMap<string, DeviceManagement>;
  readonly console: GuestConsoleBatcher;
  readonly subscriptions: Subscription[];
  readonly sampler: NodeJS.Timeout;
}

/**
 * The virtual motherboard of one VM (DESIGN §6): builds the partition, runs the VMBus server and
 * the VSP of every configured device (resolved through the plugins' registry), hosts the devices'
 * management, boots the guest, and reports state, heartbeat, console and samples. Everything a
 * guest can break — its partition faulting, a channel it abuses — ends here as a report; this
 * object never throws a guest's failure at its host.
 */
export class VirtualMotherboard {
  readonly #options: VirtualMotherboardOptions;
  #board: Board | undefined;
  /** Set while a reset or a restart tears the board down to build it again. */
  #rebuilding = false;
  #lastHeartbeat: string | undefined;
  #resolveEnded!: () => void;
  /** Resolves once the VM is off for good: halted, powered off, or failed. */
  readonly ended: Promise<void> = new Promise((resolve) => {
    this.#resolveEnded = resolve;
  });

  constructor(options: VirtualMotherboardOptions) {
    this.#options = options;
  }

  /** Builds the board and boots the guest; resolves once the VM runs. Rejects (after reporting `failed`) if it cannot. */
  async powerOn(): Promise<void> {
    let board: Board;
    try {
      board = this.#build();
    } catch (error) {
      // Nothing stands (building cleans up after itself): the VM is off for good.
      this.#options.report({ kind: 'state', state: 'failed', reason: error instanceof Error ? error.message : String(error) });
      this.#resolveEnded();
      throw error;
    }
    this.#board = board;
    try {
      for (const vsp of board.vsps) await vsp.start();
      await board.partition.start();
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      await this.#fail(board, reason);
      throw error;
    }
  }

  /** Pauses the VM's virtual processors. */
  pause(): void {
    this.#current().partition.pause();
  }

  /** Resumes them. */
  resume(): void {
    this.#current().partition.resume();
  }

  /** Turns the VM off, hard; resolves once it is off. */
  async powerOff(): Promise<void> {
    const board = this.#board;
    if (board && (board.partition.state === 'running' || board.partition.state === 'paused' || board.partition.state === 'starting')) {
      await board.partition.stop();
    }
    await this.ended;
  }

  /** Hard reset: powers the VM off and on again (memory cleared, devices rebuilt). */
  async reset(): Promise<void> {
    const board = this.#current();
    this.#rebuilding = true;
    try {
      await this.#teardown(board);
      await this.powerOn();
    } finally {
      this.#rebuilding = false;
    }
  }

  /**
   * Asks the guest, through the first device that can (the shutdown integration service), to shut
   * down or restart, and resolves with its answer once it has acted on it: after an accepted
   * shutdown the VM is off, after an accepted restart it runs again.
   *
   * @throws {@link GuestShutdownUnavailableError} if no device of the VM offers guest-assisted shutdown.
   */
  async shutdown(reason: string, restart: boolean, timeoutMs: number): Promise<GuestShutdownOutcome> {
    const board = this.#current();
    const device = [...board.management.values()].find((management) => management.shutdown !== undefined);
    if (!device?.shutdown) throw new GuestShutdownUnavailableError(this.#options.vm.name);
    const signal = AbortSignal.timeout(timeoutMs);
    const halted = new Promise<void>((resolve) => board.partition.state$.subscribe((state) => state === 'off' && resolve()));
    this.#rebuilding = restart;
    try {
      // A guest that halts has shut down, whether or not its answer was read before its channels closed.
      const outcome = await Promise.race([device.shutdown({ reason, restart, signal }), halted.then(() => 'accepted' as const)]);
      if (outcome !== 'accepted') return outcome;
      await abortable(halted, signal, `the guest accepted the ${restart ? 'restart' : 'shutdown'} but did not halt within ${timeoutMs} ms`);
      if (restart) {
        await this.#teardown(board);
        await this.powerOn();
      } else {
        await this.ended;
      }
      return outcome;
    } finally {
      this.#rebuilding = false;
    }
  }

  /**
   * Runs a management operation of one device: its input checked by the operation's schema first
   * (a `DeviceConfigError` names the field and nothing runs), its result made plain JSON.
   *
   * @throws {@link DeviceOperationNotFoundError} if the VM has no such device or operation.
   */
  async invoke(instanceId: string, operation: string, input: unknown, signal: AbortSignal): Promise<unknown> {
    const management = this.#board?.management.get(instanceId);
    const op = management?.operations && Object.hasOwn(management.operations, operation) ? management.operations[operation] : undefined;
    if (!op) throw new DeviceOperationNotFoundError(instanceId, operation);
    const parsed = op.input.parse(input, '');
    const result = await op.invoke(parsed, signal);
    return result === undefined ? null : (JSON.parse(JSON.stringify(result)) as unknown);
  }

  /** The devices of the running VM and their operations. */
  devices(): WorkerDeviceInfo[] {
    return this.#board ? this.#devicesOf(this.#board) : [];
  }

  #current(): Board {
    if (!this.#board) throw new Error(`VM ${this.#options.vm.name} is not powered on`);
    return this.#board;
  }

  #build(): Board {
    const { vm, plugins, hypervisor, guestEntry, report } = this.#options;
    const partition = hypervisor.createPartition({
      name: vm.name,
      memoryBytes: vm.memoryBytes,
      vpCount: vm.processors,
      guest: { entry: guestEntry },
      ...(vm.haltPollUs === undefined ? {} : { haltPollUs: vm.haltPollUs }),
    });
    const vmbus = new HostVmbus(partition);
    const console = new GuestConsoleBatcher((text) => report({ kind: 'console', text }));
    partition.openMessagePort(GUEST_CONSOLE_CONNECTION_ID, (_type, payload, size) => console.write(payload.subarray(0, size)));
    const vsps: Vsp[] = [];
    const management = new Map<string, DeviceManagement>();
    try {
      vm.devices.forEach((device, index) => {
        const vsp = plugins.registry.createVsp(device, { name: vm.name, vmbus }, `devices[${index}]`);
        vsps.push(vsp);
        const provider = plugins.managementProviders.get(device.class);
        if (provider) management.set(device.instanceId, provider.manage(vsp));
      });
    } catch (error) {
      vmbus.close();
      void hypervisor.destroyPartition(partition);
      throw error;
    }
    const board: Board = {
      partition,
      vmbus,
      vsps,
      management,
      console,
      subscriptions: [],
      sampler: setInterval(() => report({ kind: 'sample', sample: this.#sample(board) }), this.#options.sampleIntervalMs),
    };
    board.sampler.unref();
    board.subscriptions.push(partition.state$.subscribe((state) => this.#onPartitionState(board, state)));
    const heartbeat$ = [...management.values()].find((m) => m.heartbeat$ !== undefined)?.heartbeat$;
    if (heartbeat$) {
      board.subscriptions.push(heartbeat$.subscribe((heartbeat) => this.#reportHeartbeat(heartbeat)));
    } else {
      this.#reportHeartbeat('no-contact');
    }
    report({ kind: 'devices', devices: this.#devicesOf(board) });
    return board;
  }

  #devicesOf(board: Board): WorkerDeviceInfo[] {
    return this.#options.vm.devices.map((device) => {
      const operations = board.management.get(device.instanceId)?.operations ?? {};
      return {
        class: device.class,
        instanceId: device.instanceId,
        operations: Object.entries(operations).map(([name, op]) => ({ name, description: op.description })),
      };
    });
  }

  #reportHeartbeat(heartbeat: 'ok' | 'error' | 'no-contact' | 'lost-communication'): void {
    if (heartbeat === this.#lastHeartbeat) return;
    this.#lastHeartbeat = heartbeat;
    this.#options.report({ kind: 'heartbeat', heartbeat });
  }

  #onPartitionState(board: Board, state: PartitionState): void {
    const { report } = this.#options;
    switch (state) {
      case 'starting':
      case 'running':
      case 'paused':
        report({ kind: 'state', state });
        return;
      case 'stopping':
        if (!this.#rebuilding) report({ kind: 'state', state: 'stopping' });
        return;
      case 'off':
        if (this.#rebuilding) return;
        void this.#teardown(board).then(() => {
          report({ kind: 'state', state: 'off' });
          this.#resolveEnded();
        });
        return;
      case 'faulted':
        void this.#fail(board, board.partition.reason ?? 'the guest faulted');
        return;
      default:
        return;
    }
  }

  async #fail(board: Board, reason: string): Promise<void> {
    this.#rebuilding = true;
    this.#options.report({ kind: 'state', state: 'failed', reason });
    await this.#teardown(board);
    this.#resolveEnded();
  }

  #sample(board: Board): WorkerSample {
    const counters = board.partition.counters();
    const devices: Record<string, Readonly<Record<string, number>>> = {};
    this.#options.vm.devices.forEach((device, index) => {
      const management = board.management.get(device.instanceId);
      const values = management?.counters?.() ?? board.vsps[index]?.counters?.();
      if (values) devices[device.instanceId] = values;
    });
    return {
      timestamp: Date.now(),
      memoryBytes: counters.memoryBytes,
      vps: counters.vps.map((vp) => ({ activeMs: vp.activeMs, elapsedMs: vp.elapsedMs })),
      partition: {
        messagesDelivered: counters.messagesDelivered,
        messagesDropped: counters.messagesDropped,
        messagesSent: counters.messagesSent,
        signalsSent: counters.signalsSent,
        messagesRefused: counters.messagesRefused,
        signalsRefused: counters.signalsRefused,
        consoleCharsDropped: board.console.droppedChars,
      },
      devices,
    };
  }

  /** Stops the VSPs, VMBus and the partition of `board`, once. */
  async #teardown(board: Board): Promise<void> {
    if (this.#board !== board) return;
    this.#board = undefined;
    clearInterval(board.sampler);
    for (const subscription of board.subscriptions) subscription.unsubscribe();
    const { partition } = board;
    await Promise.allSettled(board.vsps.map((vsp) => vsp.stop()));
    board.vmbus.close();
    if (partition.state === 'running' || partition.state === 'paused' || partition.state === 'starting' || partition.state === 'faulted') {
      await partition.stop().catch(() => undefined);
    }
    board.console.flush();
    await this.#options.hypervisor.destroyPartition(partition).catch(() => undefined);
  }
}

/** `promise`, or a rejection with `message` once `signal` aborts. */
function abortable(promise: Promise<void>, signal: AbortSignal, message: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = (): void => reject(new Error(message));
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      },
      reject,
    );
  });
}
