import type { WorkerDeviceInfo, WorkerSample, VmWorker } from '@tsvisor/worker-process';
import type { VmConfiguration } from '../inventory/vm-configuration.js';
import { EnabledState } from '../state/enabled-state.js';
import { HealthState } from '../state/health-state.js';
import { HeartbeatStatus } from '../state/heartbeat-status.js';
import { ConsoleHistory } from './console-history.js';
import { enabledStateName, healthName, heartbeatName } from './state-names.js';
import type { VmCounters, VmSummary } from './vm-summary.js';

/** What the VMMS knows of one VM beyond its configuration: its state, its worker, its last samples. */
export class VmRuntime {
  config: VmConfiguration;
  enabledState: EnabledState = EnabledState.Off;
  healthState: HealthState = HealthState.Ok;
  heartbeat: HeartbeatStatus = HeartbeatStatus.NoContact;
  failure: string | undefined;
  worker: VmWorker | undefined;
  /** When the VM last reached Running (ms since the epoch), while it runs. */
  runningSince: number | undefined;
  devices: readonly WorkerDeviceInfo[] = [];
  sample: WorkerSample | undefined;
  processorLoad = 0;
  readonly console = new ConsoleHistory();

  constructor(config: VmConfiguration) {
    this.config = config;
  }

  /** Takes a new sample; the processor load is the busy share of the VPs since the previous one. */
  takeSample(sample: WorkerSample): void {
    const previous = this.sample;
    this.sample = sample;
    if (!previous) return;
    let active = 0;
    let elapsed = 0;
    sample.vps.forEach((vp, i) => {
      const before = previous.vps[i];
      if (!before) return;
      active += Math.max(0, vp.activeMs - before.activeMs);
      elapsed += Math.max(0, vp.elapsedMs - before.elapsedMs);
    });
    this.processorLoad = elapsed > 0 ? Math.round(Math.min(100, (100 * active) / elapsed) * 10) / 10 : 0;
  }

  /** Forgets what only a running VM has. */
  powerDown(): void {
    this.worker = undefined;
    this.runningSince = undefined;
    this.sample = undefined;
    this.processorLoad = 0;
    this.devices = [];
    this.heartbeat = HeartbeatStatus.NoContact;
  }

  summary(asynchronousTasks: number, now: number): VmSummary {
    const { config } = this;
    const running = this.worker !== undefined;
    return {
      id: config.id,
      name: config.name,
      ...(config.notes === undefined ? {} : { notes: config.notes }),
      createdAt: config.createdAt,
      processors: config.processors,
      memory: config.memory,
      state: enabledStateName(this.enabledState),
      enabledState: this.enabledState,
      health: healthName(this.healthState),
      healthState: this.healthState,
      heartbeat: heartbeatName(this.heartbeat),
      heartbeatStatus: this.heartbeat,
      uptimeMs: this.runningSince === undefined ? 0 : Math.max(0, now - this.runningSince),
      processorLoad: running ? this.processorLoad : 0,
      memoryUsage: running ? (this.sample?.memoryBytes ?? config.memory) : 0,
      asynchronousTasks,
      ...(this.failure === undefined ? {} : { failure: this.failure }),
      ...(this.worker?.pid === undefined ? {} : { workerPid: this.worker.pid }),
    };
  }

  counters(now: number): VmCounters {
    const sample = this.sample;
    return {
      vm: this.config.name,
      sampledAt: new Date(sample?.timestamp ?? now).toISOString(),
      processorLoad: this.worker ? this.processorLoad : 0,
      memoryUsage: this.worker ? (sample?.memoryBytes ?? this.config.memory) : 0,
      uptimeMs: this.runningSince === undefined ? 0 : Math.max(0, now - this.runningSince),
      vpBusyMs: sample?.vps.map((vp) => Math.round(vp.activeMs)) ?? [],
      partition: sample?.partition ?? {},
      devices: sample?.devices ?? {},
    };
  }
}
