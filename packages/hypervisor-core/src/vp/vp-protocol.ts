import type { GuestImage } from '../guest-image/guest-image.js';

/** Numbers a VP's guest realm is told about its partition (see `VpEnvironment`). */
export interface VpLayout {
  readonly vpIndex: number;
  readonly vpCount: number;
  readonly memorySize: number;
  readonly reservedFirstGpa: number;
  readonly simpGpa: number;
  readonly siefpGpa: number;
  readonly vpAssistGpa: number;
  readonly hypercallInputGpa: number;
  /** Halt polling: at most this long (µs) looking at the pending mask before the VP sleeps (0: never). */
  readonly haltPollUs: number;
}

/** What the host hands a VP thread when it starts it. */
export interface VpWorkerData {
  readonly partitionName: string;
  readonly guestMemory: SharedArrayBuffer;
  readonly controlBlock: SharedArrayBuffer;
  readonly layout: VpLayout;
  readonly image: GuestImage;
  /** The process's descriptor of the host's run queue (`runQueueDescriptor`), if it has one. */
  readonly runQueueFd?: number;
}

/** What a VP thread reports to the host over its control port. */
export type VpReport =
  | { readonly kind: 'booted' }
  | { readonly kind: 'halted'; readonly code: number }
  | { readonly kind: 'fault'; readonly reason: string };
