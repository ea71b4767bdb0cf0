import { RequestedState } from '../state/requested-state.js';
import { Role } from './role.js';

/** What an operation does, for authorization and for the one-state-change-per-VM rule of jobs. */
export type OperationKind = 'read' | 'console' | 'device-operation' | 'state-change' | 'job-control' | 'configuration' | 'image';

/** How the VMMS treats one {@link ManagementOperation}. */
export interface OperationPolicy {
  /** The least role allowed to perform it. */
  readonly leastRole: Role;
  /** What it does. */
  readonly kind: OperationKind;
  /** For a state change, the `RequestStateChange` code it sends (PROTOCOLS.md §6). */
  readonly requestedState?: RequestedState;
}

/**
 * Every operation of the VMMS, the one place they are named: the REST API, the CLI, jobs and
 * authorization all use these names.
 */
export const managementOperations = Object.freeze({
  /** List the VMs of the inventory. */
  'vm.list': { leastRole: Role.Reader, kind: 'read' },
  /** Read one VM's configuration and state. */
  'vm.get': { leastRole: Role.Reader, kind: 'read' },
  /** Read the summary information of VMs (PROTOCOLS.md §6). */
  'vm.summary': { leastRole: Role.Reader, kind: 'read' },
  /** Read a VM's performance counters. */
  'vm.counters': { leastRole: Role.Reader, kind: 'read' },
  /** Subscribe to the event stream (state, health, heartbeat, job changes). */
  'events.subscribe': { leastRole: Role.Reader, kind: 'read' },
  /** List jobs. */
  'job.list': { leastRole: Role.Reader, kind: 'read' },
  /** Read one job. */
  'job.get': { leastRole: Role.Reader, kind: 'read' },
  /** Read a VM's console output. */
  'console.read': { leastRole: Role.Operator, kind: 'console' },
  /** Cancel a running job. */
  'job.cancel': { leastRole: Role.Operator, kind: 'job-control' },
  /** Start an Off VM. */
  'vm.run': { leastRole: Role.Operator, kind: 'state-change', requestedState: RequestedState.Run },
  /** Turn a VM off, hard. */
  'vm.off': { leastRole: Role.Operator, kind: 'state-change', requestedState: RequestedState.Off },
  /** Shut a VM down through the shutdown integration service. */
  'vm.shutdown': { leastRole: Role.Operator, kind: 'state-change', requestedState: RequestedState.ShutDown },
  /** Restart a VM, hard. */
  'vm.reboot': { leastRole: Role.Operator, kind: 'state-change', requestedState: RequestedState.Reboot },
  /** Reset a VM, hard. */
  'vm.reset': { leastRole: Role.Operator, kind: 'state-change', requestedState: RequestedState.Reset },
  /** Pause a running VM. */
  'vm.pause': { leastRole: Role.Operator, kind: 'state-change', requestedState: RequestedState.Pause },
  /** Resume a paused VM (RequestStateChange "run"). */
  'vm.resume': { leastRole: Role.Operator, kind: 'state-change', requestedState: RequestedState.Run },
  /** Define (create) a VM in the inventory. */
  'vm.define': { leastRole: Role.Administrator, kind: 'configuration' },
  /** Modify a VM's configuration. */
  'vm.modify': { leastRole: Role.Administrator, kind: 'configuration' },
  /** Destroy a VM: remove it from the inventory. */
  'vm.destroy': { leastRole: Role.Administrator, kind: 'configuration' },
  /** Invoke a management operation of a running VM's device (e.g. set a KVP value). */
  'device.invoke': { leastRole: Role.Operator, kind: 'device-operation' },
  /** Add a device to a VM. */
  'device.add': { leastRole: Role.Administrator, kind: 'configuration' },
  /** Change a device's configuration. */
  'device.modify': { leastRole: Role.Administrator, kind: 'configuration' },
  /** Remove a device from a VM. */
  'device.remove': { leastRole: Role.Administrator, kind: 'configuration' },
  /** Create a disk image on the host. */
  'image.create': { leastRole: Role.Administrator, kind: 'image' },
  /** Describe a disk image of the host: format, sizes, parent. */
  'image.info': { leastRole: Role.Reader, kind: 'read' },
  /** Convert a disk image of the host into a new one of another format. */
  'image.convert': { leastRole: Role.Administrator, kind: 'image' },
  /** Check a disk image of the host: open it and read it through. */
  'image.check': { leastRole: Role.Reader, kind: 'read' },
  /** List the virtual switches of the host. */
  'switch.list': { leastRole: Role.Reader, kind: 'read' },
  /** Read one virtual switch: its definition, ports and counters. */
  'switch.get': { leastRole: Role.Reader, kind: 'read' },
  /** Create a virtual switch on the host. */
  'switch.create': { leastRole: Role.Administrator, kind: 'configuration' },
  /** Delete a virtual switch no VM port is attached to. */
  'switch.delete': { leastRole: Role.Administrator, kind: 'configuration' },
} as const satisfies Record<string, OperationPolicy>);

/** The name of a VMMS operation: a key of {@link managementOperations}. */
export type ManagementOperation = keyof typeof managementOperations;

/** Whether `value` (e.g. from a REST route) names a {@link ManagementOperation}. */
export function isManagementOperation(value: unknown): value is ManagementOperation {
  return typeof value === 'string' && Object.hasOwn(managementOperations, value);
}

/** Whether `operation` changes a VM's state, so that only one such job may run per VM at a time. */
export function isStateChangeOperation(operation: ManagementOperation): boolean {
  return isManagementOperation(operation) && managementOperations[operation].kind === 'state-change';
}
