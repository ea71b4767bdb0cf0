import type { VpSynicPages } from './synic/synic-layout.js';

/**
 * What guest code receives: the default export of a guest entry module is called with one
 * of these per virtual processor, inside the VP's restricted realm. Everything here belongs
 * to that realm; hypercalls take numbers and return an {@link HvStatus} number.
 *
 * ```ts
 * import type { VpEnvironment } from '@tsvisor/hypervisor-core';
 * export default async function main(vp: VpEnvironment): Promise<number> {
 *   const sints = await vp.waitForInterrupt(1000);
 *   return sints === 0 ? 1 : 0;
 * }
 * ```
 */
export interface VpEnvironment {
  /** The partition's guest physical memory (GPA 0 at byte 0). */
  readonly memory: SharedArrayBuffer;
  readonly memorySize: number;
  readonly vpIndex: number;
  readonly vpCount: number;
  /** First GPA of the hypervisor-reserved SynIC pages; RAM is everything below it. */
  readonly reservedFirstGpa: number;
  /** This VP's SynIC pages. */
  readonly synic: VpSynicPages;
  /**
   * HvPostMessage: sends the HV_INPUT_POST_MESSAGE block at `inputGpa` (8-byte aligned;
   * u32 connection id, u32 reserved, u32 message type, u32 payload size ≤ 240, payload).
   * InvalidConnectionId unless the host granted that connection id to this partition;
   * InsufficientBuffers when the host has not caught up (retry later).
   */
  postMessage(inputGpa: number): number;
  /** HvSignalEvent: raises the host's event port behind `connectionId` (flag number 0). */
  signalEvent(connectionId: number, flagNumber?: number): number;
  /**
   * End of message: call after clearing a SIMP slot's message type (store 0 to it first)
   * when its header had the pending flag, so that the host delivers the next message.
   */
  eom(): number;
  /**
   * Waits until the host raises a SINT on this VP, or `timeoutMs` passes. Resolves with the
   * mask of pending SINTs (bit n = SINT n), cleared as it is returned; 0 on timeout. With none
   * pending, the VP may first poll the mask for a while (halt polling, up to the partition's
   * `haltPollUs`; not for a `timeoutMs` of 0), then sleeps until a raise wakes it. Before it
   * polls it lets the guest's queued work run (one turn of its event loop: every microtask
   * queued before the call, and those they queue), so a VP polls only with nothing else to do.
   */
  waitForInterrupt(timeoutMs?: number): Promise<number>;
}

/** The type of a guest entry module's default export. A number it resolves with is the exit code. */
export type GuestEntry = (vp: VpEnvironment) => Promise<number | void> | number | void;
