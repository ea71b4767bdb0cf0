import type { GuestHeartbeat } from '@tsvisor/device-sdk/host';
import type { GuestImage } from '@tsvisor/hypervisor-core';
import type { WorkerVmSpec } from './worker-vm-spec.js';

/**
 * The VM's state as its worker process sees it. `failed` means the guest faulted (crashed, broke
 * its limits, abused a protocol beyond a channel); the VMMS adds what only it can see: the
 * worker itself dying.
 */
export type WorkerVmState = 'starting' | 'running' | 'paused' | 'stopping' | 'off' | 'failed';

/** The management view of one device of the running VM. */
export interface WorkerDeviceInfo {
  readonly class: string;
  readonly instanceId: string;
  readonly operations: readonly { readonly name: string; readonly description: string }[];
}

/** A periodic sample of the running VM, for summary information and counters. */
export interface WorkerSample {
  /** `Date.now()` in the worker when taken. */
  readonly timestamp: number;
  readonly memoryBytes: number;
  /** Per VP: busy time since start and time since start, ms. */
  readonly vps: readonly { readonly activeMs: number; readonly elapsedMs: number }[];
  readonly partition: Readonly<Record<string, number>>;
  /** By device instance id. */
  readonly devices: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

/** An error carried back over the control channel: enough to rebuild a typed error on the VMMS side. */
export interface WorkerErrorInfo {
  readonly name: string;
  readonly message: string;
  /** The field a `DeviceConfigError` named. */
  readonly field?: string;
}

/** What the VMMS asks of a worker process; every command is answered by one `reply` with its id. */
export type WorkerCommand =
  | {
      readonly kind: 'start';
      readonly id: number;
      readonly vm: WorkerVmSpec;
      readonly guestImage: GuestImage;
      /** The VP thread's runtime script, prebuilt (a worker process cannot run the bundler). */
      readonly vpRuntime: string;
      /** How often the worker sends a {@link WorkerSample}, ms. */
      readonly sampleIntervalMs: number;
    }
  | { readonly kind: 'off'; readonly id: number }
  | { readonly kind: 'shutdown'; readonly id: number; readonly reason: string; readonly restart: boolean; readonly timeoutMs: number }
  | { readonly kind: 'reset'; readonly id: number }
  | { readonly kind: 'pause'; readonly id: number }
  | { readonly kind: 'resume'; readonly id: number }
  | { readonly kind: 'invoke'; readonly id: number; readonly instanceId: string; readonly operation: string; readonly input: unknown };

/** What a worker process tells the VMMS. */
export type WorkerReport =
  | { readonly kind: 'state'; readonly state: WorkerVmState; readonly reason?: string }
  | { readonly kind: 'heartbeat'; readonly heartbeat: GuestHeartbeat }
  | { readonly kind: 'devices'; readonly devices: readonly WorkerDeviceInfo[] }
  | { readonly kind: 'console'; readonly text: string }
  | { readonly kind: 'sample'; readonly sample: WorkerSample }
  | { readonly kind: 'reply'; readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly kind: 'reply'; readonly id: number; readonly ok: false; readonly error: WorkerErrorInfo };

/** A command without its id: what a caller asks for; the channel numbers it. */
export type WorkerRequest = WorkerCommand extends infer C ? (C extends { readonly id: number } ? Omit<C, 'id'> : never) : never;
