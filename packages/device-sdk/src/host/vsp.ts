import type { HostChannelOffer, HostOfferSpec } from '@tsvisor/vmbus';
import type { Guid } from '@tsvisor/wire';
import type { ServiceIdentifier } from 'inversify';
import type { DeviceClass } from '../device-class.js';
import type { DeviceHostGrant, DeviceHostGrantLease, DeviceHostGrantRequest } from './host-grant.js';

/** What a VSP may do with the VM's VMBus: offer channels (HostVmbus is one). */
export interface VspBus {
  offer(spec: HostOfferSpec): HostChannelOffer;
}

/** Everything a VSP gets when its device is created for one VM. */
export interface VspContext<Config> {
  readonly deviceClass: DeviceClass<Config>;
  /** The device's validated configuration. */
  readonly config: Config;
  /** This device's instance GUID (stable across restarts of the VM). */
  readonly instanceId: Guid;
  /** The VM's name, for messages and counters. */
  readonly vmName: string;
  readonly vmbus: VspBus;
  /**
   * What the host process granted this device (its factory's {@link VspFactory.grantHostAccess})
   * when the VM runs in a worker process of its own; absent when the VSP runs in the host process.
   */
  readonly hostGrant?: DeviceHostGrant;
}

/**
 * The host side of one device in one VM: owns the real resource and serves the guest over
 * VMBus. Created by its class's {@link VspFactory}; started once VMBus is up, stopped when the VM
 * stops. A VSP never lets a guest's protocol error escape: it answers with an error status or
 * faults that channel.
 */
export interface Vsp {
  /** Offers the device's channel(s). */
  start(): void | Promise<void>;
  /** Rescinds its channels and releases its resources. */
  stop(): Promise<void>;
  /** The device's counters (names stable, values monotonic unless documented). */
  counters?(): Readonly<Record<string, number>>;
}

/**
 * The host files a device needs beyond its VM's own resource directory (a disk image, a pcap to
 * write): absolute paths; a directory stands for everything in it. A VM's worker process runs
 * under Node's permission model and may touch nothing else.
 */
export interface DeviceFileAccess {
  readonly read?: readonly string[];
  readonly write?: readonly string[];
}

/** Makes the VSP of one device class for each VM that has such a device. */
export interface VspFactory<Config = unknown> {
  readonly deviceClass: DeviceClass<Config>;
  create(context: VspContext<Config>): Vsp;
  /**
   * The host files a device with this configuration needs (none when omitted). It may look at
   * them (e.g. to find a differencing disk's parents): the VMMS asks before it starts the worker.
   */
  fileAccess?(config: Config): DeviceFileAccess | Promise<DeviceFileAccess>;
  /**
   * Called in the host process before a VM with such a device starts in a worker process of its
   * own: grants the device what it needs of the host process (e.g. a port on a virtual switch that
   * lives there), revoked when the worker is gone. The VSP created in the worker finds the grant as
   * `context.hostGrant`. Devices that need nothing of the host process omit it.
   */
  grantHostAccess?(request: DeviceHostGrantRequest<Config>): Promise<DeviceHostGrantLease>;
}

/**
 * Contribution point: each plugin's host module binds its factories here
 * (`bind(VspFactoryContribution).toConstantValue(factory)`), multi-injected by the host.
 */
export const VspFactoryContribution: ServiceIdentifier<VspFactory> = Symbol.for('@tsvisor/device-sdk/VspFactory');
