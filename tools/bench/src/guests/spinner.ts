import { PostMessageInput, type VpEnvironment } from '@tsvisor/hypervisor-core/guest';

/** Bench guest: says so on connection 1, then spins in a tight loop without hypercalls. */
export default async function main(vp: VpEnvironment): Promise<number> {
  const input = new DataView(vp.memory, vp.synic.hypercallInputGpa, PostMessageInput.size);
  input.setUint32(PostMessageInput.connectionId, 1, true);
  input.setUint32(PostMessageInput.messageType, 1, true);
  vp.postMessage(vp.synic.hypercallInputGpa);
  for (;;) {
    // spin
  }
}
