import { HvStatus, PostMessageInput, type VpEnvironment } from '@tsvisor/hypervisor-core/guest';

/**
 * Bench guest: posts 240-byte messages on connection 1 as fast as the host drains them,
 * forever (retrying when the hypervisor's queue is full).
 */
export default async function main(vp: VpEnvironment): Promise<number> {
  const gpa = vp.synic.hypercallInputGpa;
  const input = new DataView(vp.memory, gpa, PostMessageInput.size);
  input.setUint32(PostMessageInput.connectionId, 1, true);
  input.setUint32(PostMessageInput.messageType, 1, true);
  input.setUint32(PostMessageInput.payloadSize, 240, true);
  for (let i = 0; i < 240; i++) input.setUint8(PostMessageInput.payload + i, i);
  for (let sent = 0; ; sent++) {
    while (vp.postMessage(gpa) === HvStatus.InsufficientBuffers) {
      // the host has not drained yet: try again
    }
    // Let the VP's event loop breathe now and then (a real guest would do work here).
    if ((sent & 0xffff) === 0) await vp.waitForInterrupt(0);
  }
}
