import type { Caller } from '../service/caller.js';
import type { DeviceSummary, VmSummary } from '../service/vm-summary.js';
import { VmNotFoundError } from '../service/vm-not-found-error.js';
import type { Vmms } from '../service/vmms.js';
import { JobState } from '../state/job-state.js';
import type { MetricFamily, MetricSample } from './prometheus-exposition.js';

interface VmGauge {
  readonly name: string;
  readonly help: string;
  readonly value: (vm: VmSummary) => number;
}

const vmGauges: readonly VmGauge[] = [
  { name: 'tsvisor_vm_enabled_state', help: 'EnabledState of the VM (PROTOCOLS.md §6): 2 Running, 3 Off, 32768 Paused, …', value: (vm) => vm.enabledState },
  { name: 'tsvisor_vm_health_state', help: 'HealthState of the VM: 5 OK, 20 major failure, 25 critical failure', value: (vm) => vm.healthState },
  { name: 'tsvisor_vm_heartbeat_status', help: 'Heartbeat status of the VM: 2 OK, 6 error, 12 no contact, 13 lost communication', value: (vm) => vm.heartbeatStatus },
  { name: 'tsvisor_vm_uptime_seconds', help: 'Seconds since the VM last reached Running; 0 when it is not running', value: (vm) => vm.uptimeMs / 1000 },
  { name: 'tsvisor_vm_processor_load_percent', help: "Processor load of the VM's virtual processors over the last sample, percent", value: (vm) => vm.processorLoad },
  { name: 'tsvisor_vm_memory_usage_bytes', help: 'Memory the VM uses, bytes; 0 when it is off', value: (vm) => vm.memoryUsage },
];

const jobStateNames = Object.entries(JobState) as [string, JobState][];

function vmLabels(vm: VmSummary): Record<string, string> {
  return { vm: vm.name, vm_id: vm.id };
}

/** The devices of `vm`, or none if it was destroyed since it was listed. */
async function devicesOf(vmms: Vmms, caller: Caller, vm: VmSummary): Promise<readonly DeviceSummary[]> {
  try {
    return await vmms.devices(caller, vm.id);
  } catch (error) {
    if (error instanceof VmNotFoundError) return [];
    throw error;
  }
}

/**
 * The metrics `GET /metrics` exposes, read through `vmms` as `caller` (a reader suffices): per VM
 * its state, health, heartbeat, uptime, processor load and memory use, labelled `vm` (name) and
 * `vm_id`; every device counter of every VM; and how many jobs are in each state.
 */
export async function vmmsMetrics(vmms: Vmms, caller: Caller): Promise<MetricFamily[]> {
  const vms = await vmms.list(caller);
  const devices = await Promise.all(vms.map((vm) => devicesOf(vmms, caller, vm)));
  const jobs = vmms.jobs(caller);

  const families: MetricFamily[] = vmGauges.map(({ name, help, value }) => ({
    name,
    help,
    type: 'gauge',
    samples: vms.map((vm) => ({ labels: vmLabels(vm), value: value(vm) })),
  }));
  const deviceCounters: MetricSample[] = vms.flatMap((vm, index) =>
    devices[index]!.flatMap((device) =>
      Object.entries(device.counters).map(([counter, value]) => ({
        labels: { ...vmLabels(vm), device: device.instanceId, class: device.class, counter },
        value,
      })),
    ),
  );
  families.push(
    {
      name: 'tsvisor_device_counter',
      help: "A counter of a running VM's device, as its management provider reports it",
      // Devices report both running totals and levels; the VMMS cannot tell which is which.
      type: 'untyped',
      samples: deviceCounters,
    },
    {
      name: 'tsvisor_jobs',
      help: 'Jobs running or kept in the history, by state (PROTOCOLS.md §6 job states)',
      type: 'gauge',
      samples: jobStateNames.map(([state, code]) => ({ labels: { state }, value: jobs.filter((job) => job.state === code).length })),
    },
  );
  return families;
}
