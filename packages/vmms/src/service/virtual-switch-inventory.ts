import { DeviceConfigError } from '@tsvisor/device-sdk';
import {
  virtualSwitchDefinitionSchema,
  VirtualSwitchInUseError,
  VirtualSwitchNameTakenError,
  VirtualSwitchNotFoundError,
  type VirtualSwitchDefinition,
  type VirtualSwitchManagementService,
} from '@tsvisor/device-sdk/host';
import { VIRTUAL_SWITCH_CONFIGURATION_SCHEMA_VERSION, type VirtualSwitchConfiguration } from '../inventory/virtual-switch-configuration.js';
import type { VirtualSwitchStore } from '../inventory/virtual-switch-store.js';
import type { VmConfiguration } from '../inventory/vm-configuration.js';
import { JobError } from '../jobs/job-error.js';
import { ReturnCode } from '../state/return-code.js';
import type { InventoryProblem } from './inventory-problem.js';
import { switchReferencesOf } from './switch-references.js';
import type { VirtualSwitchDetails } from './virtual-switch-details.js';

/**
 * The host's virtual switches as the VMMS keeps them (Hyper-V's
 * `Msvm_VirtualEthernetSwitchManagementService`): their definitions are inventory, kept by a
 * {@link VirtualSwitchStore}, and each is brought up through the switch service a network plugin
 * contributes. Names are unique ignoring case. The {@link Vmms} authorizes callers and runs the
 * changes as jobs; this keeps the definitions and the service in step.
 */
export class VirtualSwitchInventory {
  /** The definitions, by lower-case name. */
  readonly #switches = new Map<string, VirtualSwitchConfiguration>();

  constructor(
    private readonly store: VirtualSwitchStore | undefined,
    private readonly service: VirtualSwitchManagementService | undefined,
  ) {}

  /** Reads the stored definitions and brings each up; files that do not load and switches the service refuses are returned as problems. */
  async load(): Promise<InventoryProblem[]> {
    if (this.store === undefined) return [];
    const scan = await this.store.scan();
    const problems: InventoryProblem[] = scan.problems.map((error) => ({ file: error.file, field: error.field, problem: error.problem }));
    for (const config of scan.switches) {
      this.#switches.set(config.name.toLowerCase(), config);
      const file = this.store.locationOf(config.name);
      if (this.service === undefined) {
        problems.push({ file, field: '', problem: 'not brought up: this host has no virtual switch service (its host build needs a network plugin)' });
        continue;
      }
      try {
        await this.service.create(definitionOf(config));
      } catch (error) {
        const field = error instanceof DeviceConfigError || error instanceof VirtualSwitchNameTakenError ? error.field : '';
        const problem = error instanceof DeviceConfigError ? error.problem : (error as Error).message;
        problems.push({ file, field, problem: `not brought up: ${problem}` });
      }
    }
    return problems;
  }

  /** Every switch, sorted by name, with its ports and counters now. */
  list(): VirtualSwitchDetails[] {
    const service = this.#requireService();
    return [...this.#switches.values()].sort((a, b) => a.name.localeCompare(b.name)).map((config) => detailsOf(config, service));
  }

  /** The switch `name` (ignoring case) with its ports and counters now. */
  get(name: string): VirtualSwitchDetails {
    return detailsOf(this.find(name), this.#requireService());
  }

  /** The definition of switch `name` (ignoring case), or a `VirtualSwitchNotFoundError` (a `JobError`, not supported, without a switch service). */
  find(name: string): VirtualSwitchConfiguration {
    this.#requireService();
    const config = this.#switches.get(name.toLowerCase());
    if (config === undefined) throw new VirtualSwitchNotFoundError(name);
    return config;
  }

  /**
   * Checks a request to create a switch and makes its configuration, changing nothing: a
   * `DeviceConfigError` names a bad field (an unknown kind too), a `VirtualSwitchNameTakenError` a
   * name another switch has.
   */
  configurationOf(input: unknown): VirtualSwitchConfiguration {
    const service = this.#requireService();
    const definition = virtualSwitchDefinitionSchema.parse(input);
    const kinds = service.kinds();
    if (!kinds.includes(definition.kind)) throw new DeviceConfigError('kind', `unknown switch kind "${definition.kind}"; this host has ${kinds.join(', ')}`);
    const existing = this.#switches.get(definition.name.toLowerCase());
    if (existing !== undefined) throw new VirtualSwitchNameTakenError(definition.name, existing.name);
    return { schemaVersion: VIRTUAL_SWITCH_CONFIGURATION_SCHEMA_VERSION, ...definition, createdAt: new Date().toISOString() };
  }

  /** Brings the switch `config` describes up, then stores it; if storing fails, takes it down again. */
  async create(config: VirtualSwitchConfiguration): Promise<VirtualSwitchDetails> {
    const service = this.#requireService();
    try {
      await service.create(definitionOf(config));
    } catch (error) {
      throw switchFailure(error, `creating virtual switch ${config.name}`);
    }
    try {
      await this.store?.put(config);
    } catch (error) {
      await service.delete(config.name).catch(() => undefined);
      throw error;
    }
    this.#switches.set(config.name.toLowerCase(), config);
    return detailsOf(config, service);
  }

  /**
   * Takes switch `config.name` down, then removes its definition; while VM ports are attached the
   * service refuses with a `VirtualSwitchInUseError` and nothing changes. If removing the
   * definition fails, the switch is brought up again.
   */
  async delete(config: VirtualSwitchConfiguration): Promise<void> {
    const service = this.#requireService();
    const wasUp = service.get(config.name) !== undefined;
    try {
      if (wasUp) await service.delete(config.name);
    } catch (error) {
      throw switchFailure(error, `deleting virtual switch ${config.name}`);
    }
    try {
      await this.store?.delete(config.name);
    } catch (error) {
      if (wasUp) await service.create(definitionOf(config)).catch(() => undefined);
      throw error;
    }
    this.#switches.delete(config.name.toLowerCase());
  }

  /**
   * Throws a {@link JobError} (failed) naming the device field and the switch when a network
   * adapter of VM `config` names a switch that is not up: the VM cannot start.
   */
  checkSwitchesOf(config: VmConfiguration): void {
    for (const { field, switchName } of switchReferencesOf(config)) {
      if (this.service?.get(switchName) !== undefined) continue;
      const why = this.service === undefined ? ' (this host has no virtual switch service)' : '';
      throw new JobError(ReturnCode.Failed, `VM ${config.name} cannot start: ${field}: there is no virtual switch named ${JSON.stringify(switchName)}${why}`);
    }
  }

  #requireService(): VirtualSwitchManagementService {
    if (this.service === undefined) {
      throw new JobError(ReturnCode.NotSupported, 'not supported: this host has no virtual switch service (its host build needs a network plugin such as @tsvisor/network)');
    }
    return this.service;
  }
}

/** The definition part of a switch's configuration, as the switch service takes it. */
function definitionOf(config: VirtualSwitchConfiguration): VirtualSwitchDefinition {
  const { schemaVersion: _version, createdAt: _created, ...definition } = config;
  return definition;
}

/** `config` with its ports and counters now, as `service` reports them. */
function detailsOf(config: VirtualSwitchConfiguration, service: VirtualSwitchManagementService): VirtualSwitchDetails {
  const status = service.get(config.name);
  const { schemaVersion: _version, ...definition } = config;
  return { ...definition, up: status !== undefined, ports: status?.ports ?? [], counters: status?.counters ?? {} };
}

/**
 * How a failure of the switch service is reported: its typed errors (a field it refuses, a name
 * taken, a switch in use or gone) as they are, anything else as failed, saying what was being done.
 */
function switchFailure(error: unknown, doing: string): Error {
  const typed = [DeviceConfigError, VirtualSwitchNameTakenError, VirtualSwitchInUseError, VirtualSwitchNotFoundError];
  if (typed.some((type) => error instanceof type)) return error as Error;
  return new JobError(ReturnCode.Failed, `${doing} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
}
