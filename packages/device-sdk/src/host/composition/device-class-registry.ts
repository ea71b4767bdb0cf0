import type { Guid } from '@tsvisor/wire';
import { propertyPath } from '../../config/field-path.js';
import type { DeviceClass } from '../../device-class.js';
import { isAbsolute } from 'node:path';
import { DeviceConfigError } from '../../config/device-config-error.js';
import type { DeviceHostGrant, DeviceHostGrantLease } from '../host-grant.js';
import type { DeviceFileAccess, Vsp, VspBus, VspFactory } from '../vsp.js';
import { DuplicateDeviceClassError } from './duplicate-device-class-error.js';
import { MissingDeviceClassError } from './missing-device-class-error.js';

/** One device of a VM, as the VM's configuration lists it. */
export interface VmDevice {
  /** The device class id, e.g. `integration.heartbeat`. */
  readonly class: string;
  /** The device's configuration, not yet validated. */
  readonly config: unknown;
  /** The device's instance GUID, stable across restarts of the VM. */
  readonly instanceId: Guid;
  /** What the host process granted the device, when it runs in a worker process of its own. */
  readonly hostGrant?: DeviceHostGrant;
}

/** The VM a VSP is created for. */
export interface VspVm {
  readonly name: string;
  readonly vmbus: VspBus;
}

/**
 * The device classes a host can serve, each with its VSP factory: resolves a VM's device to its
 * class (kind + id + resolver, DESIGN §5), validates its configuration and creates its VSP.
 */
export class DeviceClassRegistry {
  readonly #factories = new Map<string, VspFactory>();

  /**
   * @param factories - The factories bound to `VspFactoryContribution`, one per class.
   * @throws {@link DuplicateDeviceClassError} if two factories serve the same class.
   */
  constructor(factories: Iterable<VspFactory>) {
    for (const factory of factories) {
      // Plugins are JavaScript: check what was bound before trusting its shape.
      const id: unknown = (factory as Partial<VspFactory> | undefined)?.deviceClass?.id;
      if (typeof id !== 'string' || typeof factory.create !== 'function') {
        throw new TypeError('a value bound to VspFactoryContribution is not a VspFactory (it needs deviceClass.id and create)');
      }
      if (this.#factories.has(id)) throw new DuplicateDeviceClassError(id, []);
      this.#factories.set(id, factory);
    }
  }

  /** The installed device classes, in the order their plugins were loaded. */
  classes(): DeviceClass[] {
    return [...this.#factories.values()].map((factory) => factory.deviceClass);
  }

  /** Whether a plugin provides the class `id`. */
  has(id: string): boolean {
    return this.#factories.has(id);
  }

  /**
   * The VSP factory of the class `id`.
   * @throws {@link MissingDeviceClassError} naming the class and the installed ones if no plugin provides it.
   */
  factory(id: string): VspFactory {
    const factory = this.#factories.get(id);
    if (factory === undefined) throw new MissingDeviceClassError(id, [...this.#factories.keys()]);
    return factory;
  }

  /**
   * The host files one device of a VM needs (its factory's `fileAccess` for its validated
   * configuration), for the permissions of the VM's worker process. Relative paths are refused.
   *
   * @throws {@link MissingDeviceClassError} or {@link DeviceConfigError} as {@link createVsp}.
   */
  async fileAccess(device: Omit<VmDevice, 'instanceId'>, fieldPrefix = ''): Promise<Required<DeviceFileAccess>> {
    const factory = this.factory(device.class);
    const config = factory.deviceClass.config.parse(device.config, propertyPath(fieldPrefix, 'config'));
    const access = (await factory.fileAccess?.(config)) ?? {};
    const read = [...(access.read ?? [])];
    const write = [...(access.write ?? [])];
    for (const path of [...read, ...write]) {
      if (typeof path !== 'string' || !isAbsolute(path)) {
        throw new DeviceConfigError(propertyPath(fieldPrefix, 'config'), `device class ${device.class} asks for a file that is not an absolute path: ${String(path)}`);
      }
    }
    return { read, write };
  }

  /**
   * Asks the class of one device of VM `vmName` for what it needs of the host process (its
   * factory's `grantHostAccess`), before the VM starts in a worker process of its own; undefined
   * when the class needs nothing. The caller revokes the lease when the worker is gone.
   *
   * @throws {@link MissingDeviceClassError} or {@link DeviceConfigError} as {@link createVsp}; what
   *   the factory rejects with (an unknown switch, say).
   */
  async grantHostAccess(device: VmDevice, vmName: string, fieldPrefix = ''): Promise<DeviceHostGrantLease | undefined> {
    const factory = this.factory(device.class);
    if (!factory.grantHostAccess) return undefined;
    const config = factory.deviceClass.config.parse(device.config, propertyPath(fieldPrefix, 'config'));
    return factory.grantHostAccess({ config, instanceId: device.instanceId, vmName });
  }

  /**
   * Creates the VSP of one device of a VM: finds its class, validates its configuration with the
   * class's schema and hands the result to the class's factory.
   *
   * @param fieldPrefix - Where the device sits in the VM's configuration, e.g. `devices[1]`:
   *   configuration errors then name `devices[1].config.timeoutSeconds`.
   * @throws {@link MissingDeviceClassError} if no plugin provides the device's class.
   * @throws {@link DeviceConfigError} naming the field if the configuration does not fit the schema.
   */
  createVsp(device: VmDevice, vm: VspVm, fieldPrefix = ''): Vsp {
    const factory = this.factory(device.class);
    const { deviceClass } = factory;
    const config = deviceClass.config.parse(device.config, propertyPath(fieldPrefix, 'config'));
    return factory.create({
      deviceClass,
      config,
      instanceId: device.instanceId,
      vmName: vm.name,
      vmbus: vm.vmbus,
      ...(device.hostGrant === undefined ? {} : { hostGrant: device.hostGrant }),
    });
  }
}
