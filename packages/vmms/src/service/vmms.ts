import { DeviceConfigError } from '@tsvisor/device-sdk';
import type { DeviceClassRegistry, ImageCheckResult, ImageInfo, ImageManagementService, VirtualSwitchManagementService } from '@tsvisor/device-sdk/host';
import { WorkerCommandError, type VmWorker, type VmWorkerLauncher, type WorkerVmSpec } from '@tsvisor/worker-process';
import { randomUUID } from 'node:crypto';
import { access, mkdir } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { Subject, map, merge, type Observable } from 'rxjs';
import { assertAuthorized } from '../authorization/authorize.js';
import { managementOperations, type ManagementOperation } from '../authorization/management-operation.js';
import type { InventoryStore } from '../inventory/inventory-store.js';
import type { VirtualSwitchStore } from '../inventory/virtual-switch-store.js';
import { VM_CONFIGURATION_SCHEMA_VERSION, vmConfigurationSchema, type VmConfiguration } from '../inventory/vm-configuration.js';
import { JobError } from '../jobs/job-error.js';
import { JobManager } from '../jobs/job-manager.js';
import type { Job } from '../jobs/job.js';
import type { ReportProgress } from '../jobs/job-work.js';
import { EnabledState } from '../state/enabled-state.js';
import { HealthState } from '../state/health-state.js';
import { HeartbeatStatus } from '../state/heartbeat-status.js';
import { JobState } from '../state/job-state.js';
import { RequestedState } from '../state/requested-state.js';
import { ReturnCode } from '../state/return-code.js';
import { returnCodeOfPlan, stateChangePlan } from '../state/state-change-plan.js';
import type { Caller } from './caller.js';
import { DeviceNotFoundError } from './device-not-found-error.js';
import { imageCreationSchema, imageConversionSchema, imagePathSchema } from './image-requests.js';
import { JobNotFoundError } from './job-not-found-error.js';
import type { InventoryProblem } from './inventory-problem.js';
import type { VirtualSwitchDetails } from './virtual-switch-details.js';
import { VirtualSwitchInventory } from './virtual-switch-inventory.js';
import { vmDefinitionSchema, vmModificationSchema, type VmDefinition } from './vm-definition.js';
import { VmNotFoundError } from './vm-not-found-error.js';
import { VmRuntime } from './vm-runtime.js';
import type { DeviceSummary, StateChangeResult, VmCounters, VmDetails, VmSummary } from './vm-summary.js';
import type { VmmsEvent } from './vmms-event.js';

/** The operations `requestStateChange` takes. */
export type StateChangeOperation = 'vm.run' | 'vm.off' | 'vm.shutdown' | 'vm.reboot' | 'vm.reset' | 'vm.pause' | 'vm.resume';

/** Options of the {@link Vmms}. */
export interface VmmsOptions {
  readonly store: InventoryStore;
  readonly launcher: VmWorkerLauncher;
  /** Where each VM's resource directory is made: `<resourceRoot>/<vm id>`. */
  readonly resourceRoot: string;
  /** The host's device classes: devices are checked against them when a VM is defined or modified. */
  readonly registry?: DeviceClassRegistry;
  readonly jobs?: JobManager;
  /** How long a guest has to answer and carry out a guest-assisted shutdown, ms (default 30 s). */
  readonly shutdownTimeoutMs?: number;
  /** How long a worker has to turn its VM off before it is killed, ms (default 10 s). */
  readonly powerOffTimeoutMs?: number;
  /** The host's disk image service, contributed by a storage plugin; without one, the image operations are not supported. */
  readonly images?: ImageManagementService;
  /** Where the definitions of the host's virtual switches are kept; without one, switches are not kept across restarts. */
  readonly switchStore?: VirtualSwitchStore;
  /** The host's virtual switch service, contributed by a network plugin; without one, the switch operations are not supported. */
  readonly virtualSwitches?: VirtualSwitchManagementService;
}

export type { InventoryProblem } from './inventory-problem.js';

/**
 * The state a worker's report means. A VM whose guest has halted is still Stopping while its worker
 * releases the devices and exits: it is Off (and can be changed, started or destroyed) once the
 * worker is gone.
 */
const workerStates = {
  starting: EnabledState.Starting,
  running: EnabledState.Running,
  paused: EnabledState.Paused,
  stopping: EnabledState.Stopping,
  off: EnabledState.Stopping,
  failed: EnabledState.Stopping,
} as const;

const heartbeats = {
  ok: HeartbeatStatus.Ok,
  error: HeartbeatStatus.Error,
  'no-contact': HeartbeatStatus.NoContact,
  'lost-communication': HeartbeatStatus.LostCommunication,
} as const;

/**
 * The Virtual Machine Management Service (DESIGN §6): the single point of every management
 * request. It keeps the inventory (through an {@link InventoryStore}), runs every operation as a
 * job with the state model and codes of PROTOCOLS.md §6, starts one worker per running VM through
 * its {@link VmWorkerLauncher}, turns the workers' reports into summary information, counters and
 * events, and authorizes every call by the caller's role. The REST API and the CLI are its clients.
 *
 * A worker that dies is noticed at once (its exit) and reported for that VM alone: Off, health
 * critical, with the reason.
 */
export class Vmms {
  readonly #options: VmmsOptions;
  readonly #jobs: JobManager;
  readonly #vms = new Map<string, VmRuntime>();
  readonly #switches: VirtualSwitchInventory;
  readonly #changes = new Subject<VmmsEvent>();
  #problems: readonly InventoryProblem[] = [];
  #closed = false;

  /** Every event, unauthorized: for the host's own use (the API hands out {@link events}). */
  readonly events$: Observable<VmmsEvent>;

  constructor(options: VmmsOptions) {
    this.#options = options;
    this.#jobs = options.jobs ?? new JobManager();
    this.#switches = new VirtualSwitchInventory(options.switchStore, options.virtualSwitches);
    this.events$ = merge(this.#changes, this.#jobs.events$.pipe(map((job): VmmsEvent => ({ type: 'job', job }))));
  }

  /**
   * Reads the inventory: the VMs, then the virtual switches, each switch brought up through the
   * host's virtual switch service. Files that do not read or validate, and switches the service
   * refuses, are kept as {@link inventoryProblems} (naming file and field) and do not stop the
   * others from loading.
   */
  async load(): Promise<void> {
    const { store } = this.#options;
    const scan = store.scan ? await store.scan() : undefined;
    const configs = scan ? scan.vms : await store.list();
    const problems: InventoryProblem[] = (scan?.problems ?? []).map((error) => ({ file: error.file, field: error.field, problem: error.problem }));
    for (const config of configs) if (!this.#vms.has(config.id)) this.#vms.set(config.id, new VmRuntime(config));
    this.#problems = [...problems, ...(await this.#switches.load())];
  }

  inventoryProblems(caller: Caller): readonly InventoryProblem[] {
    assertAuthorized(caller.role, 'vm.list');
    return this.#problems;
  }

  async list(caller: Caller): Promise<VmSummary[]> {
    assertAuthorized(caller.role, 'vm.list');
    return [...this.#vms.values()].sort((a, b) => a.config.name.localeCompare(b.config.name)).map((vm) => this.#summary(vm));
  }

  async get(caller: Caller, vm: string): Promise<VmDetails> {
    assertAuthorized(caller.role, 'vm.get');
    return this.#details(this.#find(vm));
  }

  async define(caller: Caller, input: unknown): Promise<{ vm: VmDetails; job: Job }> {
    assertAuthorized(caller.role, 'vm.define');
    const definition = vmDefinitionSchema.parse(input);
    const config = await this.#checked({
      schemaVersion: VM_CONFIGURATION_SCHEMA_VERSION,
      id: randomUUID(),
      name: definition.name,
      ...(definition.notes === undefined ? {} : { notes: definition.notes }),
      memory: definition.memory,
      processors: definition.processors,
      ...(definition.haltPollUs === undefined ? {} : { haltPollUs: definition.haltPollUs }),
      guest: definition.guest,
      devices: this.#devicesOf(definition.devices),
      createdAt: new Date().toISOString(),
    });
    const job = await this.#configurationJob('vm.define', config.id, async () => {
      await this.#options.store.put(config);
      const vm = new VmRuntime(config);
      this.#vms.set(config.id, vm);
      this.#changes.next({ type: 'vm-defined', vm: this.#summary(vm) });
    });
    return { vm: this.#details(this.#find(config.id)), job };
  }

  async modify(caller: Caller, ref: string, patch: unknown): Promise<{ vm: VmDetails; job: Job }> {
    assertAuthorized(caller.role, 'vm.modify');
    const vm = this.#find(ref);
    const change = vmModificationSchema.parse(patch);
    const offOnly = (['memory', 'processors', 'haltPollUs', 'guest', 'devices'] as const).filter((key) => change[key] !== undefined);
    if (offOnly.length > 0 && !this.#isOff(vm)) {
      throw new JobError(ReturnCode.InvalidState, `invalid state: ${offOnly.join(', ')} of VM ${vm.config.name} can only change while it is off`);
    }
    const current = vm.config;
    const config = await this.#checked({
      ...current,
      ...(change.name === undefined ? {} : { name: change.name }),
      ...(change.notes === undefined ? {} : { notes: change.notes }),
      ...(change.memory === undefined ? {} : { memory: change.memory }),
      ...(change.processors === undefined ? {} : { processors: change.processors }),
      ...(change.haltPollUs === undefined ? {} : { haltPollUs: change.haltPollUs }),
      ...(change.guest === undefined ? {} : { guest: change.guest }),
      ...(change.devices === undefined ? {} : { devices: this.#devicesOf(change.devices) }),
    });
    const job = await this.#configurationJob('vm.modify', vm.config.id, async () => {
      await this.#options.store.put(config);
      vm.config = config;
      this.#publish(vm);
    });
    return { vm: this.#details(vm), job };
  }

  async destroy(caller: Caller, ref: string): Promise<{ job: Job }> {
    assertAuthorized(caller.role, 'vm.destroy');
    const vm = this.#find(ref);
    if (!this.#isOff(vm)) throw new JobError(ReturnCode.InvalidState, `invalid state: VM ${vm.config.name} must be off to be destroyed`);
    const { id, name } = vm.config;
    const job = await this.#configurationJob('vm.destroy', id, async () => {
      await this.#options.store.delete(id);
      this.#vms.delete(id);
      this.#changes.next({ type: 'vm-destroyed', id, name });
    });
    return { job };
  }

  /**
   * `RequestStateChange` (PROTOCOLS.md §6). Refusals throw a {@link JobError} with the return code
   * (invalid state 32775, not supported 32770); a request for the state the VM is in answers 0; any
   * other starts a job and answers 4096 with it. `vm.run` on a paused VM resumes it, as in Hyper-V.
   */
  async requestStateChange(caller: Caller, ref: string, operation: StateChangeOperation): Promise<StateChangeResult> {
    assertAuthorized(caller.role, operation);
    const vm = this.#find(ref);
    const effective: StateChangeOperation = operation === 'vm.run' && vm.enabledState === EnabledState.Paused ? 'vm.resume' : operation;
    if (effective === 'vm.resume' && vm.enabledState !== EnabledState.Paused) {
      throw new JobError(ReturnCode.InvalidState, `invalid state: VM ${vm.config.name} is ${this.#summary(vm).state}, not paused`);
    }
    const requested = managementOperations[effective].requestedState ?? RequestedState.Run;
    const plan = stateChangePlan(vm.enabledState, requested);
    if (plan.kind === 'no-op') return { returnValue: ReturnCode.Completed };
    if (plan.kind !== 'transition') {
      const code = returnCodeOfPlan(plan) as typeof ReturnCode.InvalidState | typeof ReturnCode.NotSupported;
      throw new JobError(code, `${code === ReturnCode.NotSupported ? 'not supported' : 'invalid state'}: VM ${vm.config.name} is ${this.#summary(vm).state} and cannot ${effective}`);
    }
    const job = this.#jobs.start(effective, vm.config.id, async (progress) => {
      const before = vm.enabledState;
      this.#setState(vm, plan.transient);
      try {
        await this.#change(vm, effective, progress);
      } catch (error) {
        if (vm.worker && vm.enabledState === plan.transient) this.#setState(vm, before);
        throw error;
      }
      // The worker's reports carry the VM through its states (and arrive before the replies); only a
      // change that reported nothing is still in its transient state here.
      if (vm.enabledState === plan.transient) this.#setState(vm, plan.final);
    });
    return { returnValue: ReturnCode.JobStarted, job };
  }

  async devices(caller: Caller, ref: string): Promise<DeviceSummary[]> {
    assertAuthorized(caller.role, 'vm.get');
    const vm = this.#find(ref);
    return vm.config.devices.map((device) => ({
      class: device.class,
      instanceId: device.instanceId,
      config: device.config,
      operations: vm.devices.find((running) => running.instanceId === device.instanceId)?.operations ?? [],
      counters: vm.sample?.devices[device.instanceId] ?? {},
    }));
  }

  /**
   * Runs a management operation of a device of a running VM. Bad input throws the
   * `DeviceConfigError` naming the field (nothing runs); an unknown device or operation, or a VM
   * that is not running, a {@link DeviceNotFoundError}; a failure, a {@link JobError} (failed).
   */
  async invokeDeviceOperation(caller: Caller, ref: string, instanceId: string, operation: string, input: unknown): Promise<unknown> {
    assertAuthorized(caller.role, 'device.invoke');
    const vm = this.#find(ref);
    const device = vm.config.devices.find((candidate) => candidate.instanceId === instanceId.toLowerCase());
    if (!device) throw new DeviceNotFoundError(vm.config.name, instanceId);
    const worker = vm.worker;
    if (!worker || !vm.devices.some((d) => d.instanceId === device.instanceId && d.operations.some((op) => op.name === operation))) {
      throw new DeviceNotFoundError(vm.config.name, instanceId, operation);
    }
    try {
      return await worker.request({ kind: 'invoke', instanceId: device.instanceId, operation, input });
    } catch (error) {
      if (error instanceof DeviceConfigError) throw error;
      throw new JobError(ReturnCode.Failed, `${operation} on device ${instanceId} of VM ${vm.config.name} failed: ${(error as Error).message}`, { cause: error });
    }
  }

  async counters(caller: Caller, ref: string): Promise<VmCounters> {
    assertAuthorized(caller.role, 'vm.counters');
    return this.#find(ref).counters(Date.now());
  }

  async console(caller: Caller, ref: string): Promise<{ history: string; text$: Observable<string> }> {
    assertAuthorized(caller.role, 'console.read');
    const { console } = this.#find(ref);
    return { history: console.text, text$: console.text$ };
  }

  /**
   * Creates a disk image on the host, as a job it waits for. Bad input throws a `DeviceConfigError`
   * naming the field (`path`, `format`, `size`, `parent`, `blockSize`), nothing created; a size the
   * format refuses, a {@link JobError} (invalid parameter).
   */
  async createImage(caller: Caller, input: unknown): Promise<{ image: ImageInfo; job: Job }> {
    assertAuthorized(caller.role, 'image.create');
    const images = this.#imageService();
    const request = imageCreationSchema.parse(input);
    checkAbsolute('path', request.path);
    checkFormat(images, 'format', request.format);
    if (request.parent !== undefined) {
      checkAbsolute('parent', request.parent);
      await checkExists('parent', request.parent);
    }
    let image: ImageInfo | undefined;
    const job = await this.#configurationJob('image.create', undefined, async () => {
      try {
        image = await images.create(request.path, {
          format: request.format,
          sizeBytes: request.size,
          ...(request.fixed === undefined ? {} : { fixed: request.fixed }),
          ...(request.parent === undefined ? {} : { parent: request.parent }),
          ...(request.blockSize === undefined ? {} : { blockSizeBytes: request.blockSize }),
        });
      } catch (error) {
        throw imageFailure(error, 'path', `creating image ${request.path}`);
      }
    });
    return { image: image!, job };
  }

  /** Describes the disk image at `path` (its format found from its content). */
  async imageInfo(caller: Caller, input: unknown): Promise<ImageInfo> {
    assertAuthorized(caller.role, 'image.info');
    const images = this.#imageService();
    const { path } = imagePathSchema.parse(input);
    checkAbsolute('path', path);
    try {
      return await images.info(path);
    } catch (error) {
      throw imageFailure(error, 'path', `reading image ${path}`);
    }
  }

  /**
   * Starts the job that converts the image at `source` into a new image at `destination`; its
   * percentComplete follows the copy, cancelling it leaves no destination. Input is checked first:
   * a `DeviceConfigError` names the field, and no job starts.
   */
  async convertImage(caller: Caller, input: unknown): Promise<{ job: Job }> {
    assertAuthorized(caller.role, 'image.convert');
    const images = this.#imageService();
    const request = imageConversionSchema.parse(input);
    checkAbsolute('source', request.source);
    checkAbsolute('destination', request.destination);
    checkFormat(images, 'to', request.to);
    await checkExists('source', request.source);
    if (await exists(request.destination)) throw new DeviceConfigError('destination', `a file already exists there: ${request.destination}`);
    const conversion = { to: request.to, ...(request.fixed === undefined ? {} : { fixed: request.fixed }) };
    const job = this.#jobs.start('image.convert', undefined, async (progress, signal) => {
      try {
        await images.convert(request.source, request.destination, conversion, (fraction) => progress(fraction * 100), signal);
      } catch (error) {
        if (signal.aborted) throw error;
        throw imageFailure(error, 'destination', `converting ${request.source} to ${request.destination}`);
      }
    });
    return { job };
  }

  /** Checks the disk image at `path`: opens it, validating its structures, and reads it through. */
  async checkImage(caller: Caller, input: unknown): Promise<ImageCheckResult> {
    assertAuthorized(caller.role, 'image.check');
    const images = this.#imageService();
    const { path } = imagePathSchema.parse(input);
    checkAbsolute('path', path);
    try {
      return await images.check(path);
    } catch (error) {
      throw imageFailure(error, 'path', `checking image ${path}`);
    }
  }

  /** The host's virtual switches, sorted by name, each with its ports and counters now. */
  listSwitches(caller: Caller): VirtualSwitchDetails[] {
    assertAuthorized(caller.role, 'switch.list');
    return this.#switches.list();
  }

  /** The virtual switch `name` (ignoring case) with its ports and counters now; a `VirtualSwitchNotFoundError` if there is none. */
  getSwitch(caller: Caller, name: string): VirtualSwitchDetails {
    assertAuthorized(caller.role, 'switch.get');
    return this.#switches.get(name);
  }

  /**
   * Creates a virtual switch (Hyper-V's `New-VMSwitch`), as a job it waits for: brings it up
   * through the host's switch service, then writes its definition to the inventory; if the write
   * fails, the switch is taken down again. Bad input throws a `DeviceConfigError` naming the field
   * (`name`, `kind`, …), a name another switch has a `VirtualSwitchNameTakenError`; nothing is created.
   */
  async createSwitch(caller: Caller, input: unknown): Promise<{ switch: VirtualSwitchDetails; job: Job }> {
    assertAuthorized(caller.role, 'switch.create');
    const config = this.#switches.configurationOf(input);
    let created: VirtualSwitchDetails | undefined;
    const job = await this.#configurationJob('switch.create', undefined, async () => {
      created = await this.#switches.create(config);
    });
    return { switch: created!, job };
  }

  /**
   * Deletes the virtual switch `name` (ignoring case), as a job it waits for: takes it down, then
   * removes its definition. While VM ports are attached the service refuses with a
   * `VirtualSwitchInUseError` naming the switch, and nothing changes.
   */
  async deleteSwitch(caller: Caller, name: string): Promise<{ job: Job }> {
    assertAuthorized(caller.role, 'switch.delete');
    const config = this.#switches.find(name);
    const job = await this.#configurationJob('switch.delete', undefined, () => this.#switches.delete(config));
    return { job };
  }

  jobs(caller: Caller): Job[] {
    assertAuthorized(caller.role, 'job.list');
    return this.#jobs.list();
  }

  job(caller: Caller, id: string): Job {
    assertAuthorized(caller.role, 'job.get');
    const job = this.#jobs.get(id);
    if (!job) throw new JobNotFoundError(id);
    return job;
  }

  cancelJob(caller: Caller, id: string): Job {
    assertAuthorized(caller.role, 'job.cancel');
    if (!this.#jobs.get(id)) throw new JobNotFoundError(id);
    this.#jobs.cancel(id);
    return this.#jobs.get(id)!;
  }

  /** The final state of job `id` (for callers that wait). */
  async waitForJob(caller: Caller, id: string): Promise<Job> {
    assertAuthorized(caller.role, 'job.get');
    const job = await this.#jobs.whenFinished(id);
    if (!job) throw new JobNotFoundError(id);
    return job;
  }

  events(caller: Caller): Observable<VmmsEvent> {
    assertAuthorized(caller.role, 'events.subscribe');
    return this.events$;
  }

  /** Turns every running VM off (hard), then releases the launcher. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all([...this.#vms.values()].map((vm) => (vm.worker ? this.#powerOff(vm.worker) : undefined)));
    await this.#options.launcher.close();
    this.#jobs.dispose();
  }

  #find(ref: string): VmRuntime {
    const byId = this.#vms.get(ref.toLowerCase());
    if (byId) return byId;
    const name = ref.toLowerCase();
    for (const vm of this.#vms.values()) if (vm.config.name.toLowerCase() === name) return vm;
    throw new VmNotFoundError(ref);
  }

  #imageService(): ImageManagementService {
    const { images } = this.#options;
    if (images === undefined) {
      throw new JobError(ReturnCode.NotSupported, 'not supported: this host has no disk image service (its host build needs a storage plugin such as @tsvisor/storage)');
    }
    return images;
  }

  #isOff(vm: VmRuntime): boolean {
    return vm.enabledState === EnabledState.Off && vm.worker === undefined;
  }

  #summary(vm: VmRuntime): VmSummary {
    const tasks = this.#jobs.list().filter((job) => job.vmId === vm.config.id && (job.state === JobState.New || job.state === JobState.Running)).length;
    return vm.summary(tasks, Date.now());
  }

  #details(vm: VmRuntime): VmDetails {
    return { ...this.#summary(vm), configuration: vm.config };
  }

  #publish(vm: VmRuntime): void {
    if (this.#vms.get(vm.config.id) === vm) this.#changes.next({ type: 'vm-state', vm: this.#summary(vm) });
  }

  #setState(vm: VmRuntime, state: EnabledState): void {
    if (vm.enabledState === state) return;
    vm.enabledState = state;
    this.#publish(vm);
  }

  #devicesOf(devices: VmDefinition['devices']): VmConfiguration['devices'] {
    return devices.map((device) => ({ class: device.class, instanceId: device.instanceId ?? randomUUID(), config: device.config ?? {} }));
  }

  /** Validates a whole configuration: the schema, the guest program's file, each device against its class. */
  async #checked(candidate: unknown): Promise<VmConfiguration> {
    const config = vmConfigurationSchema.parse(candidate);
    if (!isAbsolute(config.guest.program)) throw new DeviceConfigError('guest.program', 'must be an absolute path');
    try {
      await access(config.guest.program);
    } catch {
      throw new DeviceConfigError('guest.program', `no such file on the host: ${config.guest.program}`);
    }
    const { registry } = this.#options;
    config.devices.forEach((device, index) => {
      if (!registry) return;
      if (!registry.has(device.class)) throw new DeviceConfigError(`devices[${index}].class`, `no plugin of this host serves device class "${device.class}"`);
      registry.factory(device.class).deviceClass.config.parse(device.config, `devices[${index}].config`);
    });
    return config;
  }

  /** Runs a configuration change (of VM `vmId`, or of the host) as a job and waits for it; its error, if any, is thrown as it was. */
  async #configurationJob(operation: ManagementOperation, vmId: string | undefined, work: () => Promise<void>): Promise<Job> {
    let failure: unknown;
    const started = this.#jobs.start(operation, vmId, async () => {
      try {
        await work();
      } catch (error) {
        failure = error;
        throw error;
      }
    });
    const job = (await this.#jobs.whenFinished(started.id)) ?? started;
    if (failure !== undefined) throw failure;
    return job;
  }

  async #change(vm: VmRuntime, operation: StateChangeOperation, progress: ReportProgress): Promise<void> {
    if (operation === 'vm.run') return this.#powerOn(vm, progress);
    const worker = vm.worker;
    if (!worker) throw new JobError(ReturnCode.InvalidState, `invalid state: VM ${vm.config.name} has no worker`);
    switch (operation) {
      case 'vm.off':
        return this.#powerOff(worker);
      case 'vm.pause':
        await worker.request({ kind: 'pause' });
        return;
      case 'vm.resume':
        await worker.request({ kind: 'resume' });
        return;
      case 'vm.reboot':
      case 'vm.reset':
        await worker.request({ kind: 'reset' });
        return;
      case 'vm.shutdown': {
        const timeoutMs = this.#options.shutdownTimeoutMs ?? 30_000;
        progress(10);
        let outcome: unknown;
        try {
          outcome = await worker.request({ kind: 'shutdown', reason: 'shut down by the VMMS', restart: false, timeoutMs }, timeoutMs + 5_000);
        } catch (error) {
          const message = error instanceof WorkerCommandError ? error.message : `the worker failed: ${(error as Error).message}`;
          throw new JobError(error instanceof WorkerCommandError && error.remoteName === 'GuestShutdownUnavailableError' ? ReturnCode.NotSupported : ReturnCode.Failed, message, { cause: error });
        }
        if (outcome !== 'accepted') {
          throw new JobError(ReturnCode.Failed, `the guest of VM ${vm.config.name} ${outcome === 'vetoed' ? 'refused to shut down' : 'did not answer the shutdown request'}`);
        }
        progress(60);
        await worker.exited;
        return;
      }
    }
  }

  async #powerOn(vm: VmRuntime, progress: ReportProgress): Promise<void> {
    const { config } = vm;
    try {
      this.#switches.checkSwitchesOf(config);
    } catch (error) {
      // A configuration the host cannot serve: the VM stays Off, its health untouched.
      this.#setState(vm, EnabledState.Off);
      throw error;
    }
    const resourceDir = join(this.#options.resourceRoot, config.id);
    await mkdir(resourceDir, { recursive: true });
    const spec: WorkerVmSpec = {
      id: config.id,
      name: config.name,
      memoryBytes: config.memory,
      processors: config.processors,
      ...(config.haltPollUs === undefined ? {} : { haltPollUs: config.haltPollUs }),
      devices: config.devices,
    };
    let worker: VmWorker;
    try {
      worker = await this.#options.launcher.launch({ vm: spec, program: config.guest.program, resourceDir });
    } catch (error) {
      vm.healthState = HealthState.MajorFailure;
      vm.failure = `the VM could not be prepared: ${(error as Error).message}`;
      this.#setState(vm, EnabledState.Off);
      this.#publish(vm);
      throw new JobError(ReturnCode.Failed, vm.failure, { cause: error });
    }
    progress(30);
    vm.worker = worker;
    vm.failure = undefined;
    vm.healthState = HealthState.Ok;
    this.#watch(vm, worker);
    try {
      await worker.start();
    } catch (error) {
      // The VM could not start (a device refused its configuration, the guest image failed): a
      // major failure of this VM, whatever the worker reported, not a crash of its worker.
      vm.healthState = HealthState.MajorFailure;
      vm.failure ??= (error as Error).message;
      worker.kill();
      await worker.exited;
      const failure = vm.failure ?? (error as Error).message;
      throw new JobError(ReturnCode.Failed, `VM ${config.name} did not start: ${failure}`, { cause: error });
    }
  }

  #watch(vm: VmRuntime, worker: VmWorker): void {
    worker.reports$.subscribe((report) => {
      if (vm.worker !== worker) return;
      switch (report.kind) {
        case 'state':
          if (report.state === 'failed') {
            vm.healthState = HealthState.MajorFailure;
            vm.failure = report.reason ?? 'the guest failed';
          }
          if (report.state === 'starting') vm.runningSince = undefined;
          if (report.state === 'running') vm.runningSince ??= Date.now();
          this.#setState(vm, workerStates[report.state]);
          this.#publish(vm);
          return;
        case 'heartbeat':
          if (vm.heartbeat !== heartbeats[report.heartbeat]) {
            vm.heartbeat = heartbeats[report.heartbeat];
            this.#publish(vm);
          }
          return;
        case 'devices':
          vm.devices = report.devices;
          return;
        case 'console':
          vm.console.append(report.text);
          return;
        case 'sample':
          vm.takeSample(report.sample);
          return;
      }
    });
    void worker.exited.then((exit) => {
      if (vm.worker !== worker) return;
      vm.powerDown();
      if (!exit.clean && vm.healthState === HealthState.Ok) {
        vm.healthState = HealthState.CriticalFailure;
        vm.failure = exit.reason;
      }
      vm.enabledState = EnabledState.Off;
      this.#publish(vm);
    });
  }

  async #powerOff(worker: VmWorker): Promise<void> {
    const timeoutMs = this.#options.powerOffTimeoutMs ?? 10_000;
    try {
      await worker.request({ kind: 'off' }, timeoutMs);
    } catch {
      worker.kill();
    }
    const timer = setTimeout(() => worker.kill(), timeoutMs);
    await worker.exited;
    clearTimeout(timer);
  }
}

/** Throws a `DeviceConfigError` naming `field` unless `path` is absolute: the daemon's working directory is no caller's. */
function checkAbsolute(field: string, path: string): void {
  if (!isAbsolute(path)) throw new DeviceConfigError(field, `must be an absolute path, got ${JSON.stringify(path)}`);
}

/** Throws a `DeviceConfigError` naming `field` unless `images` has the format `name`. */
function checkFormat(images: ImageManagementService, field: string, name: string): void {
  const known = images.formats();
  if (!known.includes(name)) throw new DeviceConfigError(field, `unknown disk format "${name}"; this host has ${known.join(', ')}`);
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** Throws a `DeviceConfigError` naming `field` unless a file is at `path`. */
async function checkExists(field: string, path: string): Promise<void> {
  if (!(await exists(path))) throw new DeviceConfigError(field, `no such file on the host: ${path}`);
}

/**
 * How a failure of the image service is reported: a missing or existing file as a
 * `DeviceConfigError` naming `field`, a value the format refuses as invalid parameter, anything
 * else (a broken image, an I/O error) as failed, saying what was being done.
 */
function imageFailure(error: unknown, field: string, doing: string): Error {
  if (error instanceof DeviceConfigError || error instanceof JobError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return new DeviceConfigError(field, `no such file or directory on the host: ${message}`);
  if (code === 'EEXIST') return new DeviceConfigError(field, `a file already exists there: ${message}`);
  if (error instanceof RangeError) return new JobError(ReturnCode.InvalidParameter, `invalid parameter: ${doing}: ${message}`, { cause: error });
  return new JobError(ReturnCode.Failed, `${doing} failed: ${message}`, { cause: error });
}
