import type { Job, VirtualSwitchDetails, VmDetails, VmSummary } from '@tsvisor/vmms';
import { EnabledState, HealthState, HeartbeatStatus } from '@tsvisor/vmms/state';

/** A running VM as `GET /vms` lists it. */
export const runningVm: VmSummary = {
  id: '6f1c2b1e-8f3a-4c1d-9a57-1f2e3d4c5b6a',
  name: 'web-01',
  createdAt: '2025-01-02T03:04:05.000Z',
  processors: 2,
  memory: 64 * 1024 * 1024,
  state: 'Running',
  enabledState: EnabledState.Running,
  health: 'OK',
  healthState: HealthState.Ok,
  heartbeat: 'OK',
  heartbeatStatus: HeartbeatStatus.Ok,
  uptimeMs: 5 * 60_000 + 3_000,
  processorLoad: 3.4,
  memoryUsage: 64 * 1024 * 1024,
  asynchronousTasks: 0,
  workerPid: 4242,
};

/** A VM that is off and never answered a heartbeat. */
export const offVm: VmSummary = {
  ...runningVm,
  id: '0b6a4e6c-2d1f-4c55-8f0e-7a9b8c7d6e5f',
  name: 'db',
  processors: 1,
  memory: 128 * 1024 * 1024,
  state: 'Off',
  enabledState: EnabledState.Off,
  heartbeat: 'NoContact',
  heartbeatStatus: HeartbeatStatus.NoContact,
  uptimeMs: 0,
  processorLoad: 0,
  memoryUsage: 0,
  workerPid: undefined,
};

/** {@link runningVm} with its configuration, as `GET /vms/web-01` answers. */
export const runningVmDetails: VmDetails = {
  ...runningVm,
  configuration: {
    schemaVersion: 1,
    id: runningVm.id,
    name: runningVm.name,
    memory: runningVm.memory,
    processors: runningVm.processors,
    guest: { program: '/work/vms/hello.js' },
    devices: [{ class: 'integration.heartbeat', instanceId: '3a1d9c1e-0c4b-4e8f-9d2a-6b5c4d3e2f10', config: { intervalSeconds: 5 } }],
    createdAt: runningVm.createdAt,
  },
};

/** A job of `operation` on {@link runningVm} in `state`, `percentComplete` done. */
export function jobOf(operation: Job['operation'], state: Job['state'], percentComplete: number, extra: Partial<Job> = {}): Job {
  return {
    id: '9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a',
    operation,
    vmId: runningVm.id,
    state,
    percentComplete,
    submittedAt: '2025-01-02T03:05:00.000Z',
    ...extra,
  };
}

/** A private virtual switch with two VMs' adapters on it, as `GET /switches/{name}` answers. */
export const busySwitch: VirtualSwitchDetails = {
  name: 'lan',
  kind: 'private',
  notes: 'web tier',
  createdAt: '2025-01-02T03:00:00.000Z',
  up: true,
  ports: [
    { name: 'web-01-nic0', vm: 'web-01', macAddress: '00-15-5D-01-02-03', vlan: { mode: 'access', vlanId: 10 }, counters: { framesIn: 120, framesOut: 98 } },
    { name: 'db-01-nic0', vm: 'db-01', macAddress: '00-15-5D-01-02-04', vlan: { mode: 'trunk', allowedVlans: [10, 20], nativeVlan: 1 }, counters: { framesIn: 7 } },
  ],
  counters: { framesForwarded: 218, framesFlooded: 3 },
};

/** An internal switch without ports. */
export const idleSwitch: VirtualSwitchDetails = { name: 'host-net', kind: 'internal', createdAt: '2025-01-02T03:01:00.000Z', up: true, ports: [], counters: {} };
