import type { GuestOffer } from '@tsvisor/vmbus';
import { Subject, type Observable } from 'rxjs';

/** One device the guest kernel bound: what its VSC driver presented for one offer. */
export interface GuestDevice<Device = unknown> {
  /** The device class id, e.g. `integration.heartbeat`. */
  readonly classId: string;
  /** The offer's instance GUID. */
  readonly instanceId: string;
  readonly offer: GuestOffer;
  /** What the driver's `bind` returned. */
  readonly device: Device;
}

/** A device came or went. */
export interface DeviceChange {
  readonly kind: 'added' | 'removed';
  readonly device: GuestDevice;
}

/** The devices of this machine, as the guest program sees them. */
export class DeviceRegistry {
  private readonly devices = new Map<number, GuestDevice>();
  private readonly changes = new Subject<DeviceChange>();
  /** Devices added (hot-add included) and removed (rescind). */
  readonly changes$: Observable<DeviceChange> = this.changes.asObservable();

  /** Every bound device, in relid order. */
  all(): GuestDevice[] {
    return [...this.devices.entries()].sort(([a], [b]) => a - b).map(([, d]) => d);
  }

  /** The devices of one class. */
  byClass<Device = unknown>(classId: string): GuestDevice<Device>[] {
    return this.all().filter((d) => d.classId === classId) as GuestDevice<Device>[];
  }

  /** The first device of a class, if there is one. */
  first<Device = unknown>(classId: string): Device | undefined {
    return this.byClass<Device>(classId)[0]?.device;
  }

  /** @internal The kernel bound a driver to an offer. */
  add(device: GuestDevice): void {
    this.devices.set(device.offer.relid, device);
    this.changes.next({ kind: 'added', device });
  }

  /** @internal The host rescinded an offer. */
  remove(relid: number): GuestDevice | undefined {
    const device = this.devices.get(relid);
    if (!device) return undefined;
    this.devices.delete(relid);
    this.changes.next({ kind: 'removed', device });
    return device;
  }
}
