import { PostMessageInput, type VpEnvironment } from '@tsvisor/hypervisor-core/guest';

/**
 * Bench guest: waits for a message on SINT 2 whose first u32 is a round count, then does
 * that many SignalEvent(2) → host → SINT 2 round trips, framed by messages of type 1
 * (start) and 2 (done) on connection 1. Repeats until it gets a count of 0.
 */
export default async function main(vp: VpEnvironment): Promise<number> {
  const input = new DataView(vp.memory, vp.synic.hypercallInputGpa, PostMessageInput.size);
  const slot = new Int32Array(vp.memory, vp.synic.simpGpa + 2 * 256, 64);
  input.setUint32(PostMessageInput.connectionId, 1, true);
  input.setUint32(PostMessageInput.payloadSize, 0, true);
  const post = (type: number): void => {
    input.setUint32(PostMessageInput.messageType, type, true);
    vp.postMessage(vp.synic.hypercallInputGpa);
  };
  for (;;) {
    while (Atomics.load(slot, 0) === 0) await vp.waitForInterrupt();
    const rounds = slot[4]!;
    Atomics.store(slot, 0, 0);
    if (rounds === 0) return 0;
    post(1);
    for (let i = 0; i < rounds; i++) {
      vp.signalEvent(2, 0);
      await vp.waitForInterrupt();
    }
    post(2);
  }
}
