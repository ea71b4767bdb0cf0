import { PostMessageInput, SYNIC_MAX_PAYLOAD, type VpEnvironment } from '@tsvisor/hypervisor-core/guest';
import { encodeUtf8 } from '@tsvisor/wire';

/** The connection id the demo host grants for console text. */
export const DEBUG_CONSOLE_CONNECTION = 1;

/**
 * A guest's console before VMBus exists: UTF-8 text over the PostMessage hypercall, 240
 * bytes a message. (The guest realm has no TextEncoder: `encodeUtf8` of the wire codec does it.)
 */
export class DebugConsole {
  private readonly input: DataView;

  constructor(private readonly vp: VpEnvironment) {
    this.input = new DataView(vp.memory, vp.synic.hypercallInputGpa, PostMessageInput.size);
  }

  /** Writes one line. */
  log(text: string): void {
    const bytes = encodeUtf8(`${text}\n`);
    for (let offset = 0; offset < bytes.length; offset += SYNIC_MAX_PAYLOAD) {
      const chunk = bytes.subarray(offset, offset + SYNIC_MAX_PAYLOAD);
      this.input.setUint32(PostMessageInput.connectionId, DEBUG_CONSOLE_CONNECTION, true);
      this.input.setUint32(PostMessageInput.messageType, 1, true);
      this.input.setUint32(PostMessageInput.payloadSize, chunk.length, true);
      new Uint8Array(this.vp.memory, this.vp.synic.hypercallInputGpa + PostMessageInput.payload, chunk.length).set(chunk);
      this.vp.postMessage(this.vp.synic.hypercallInputGpa);
    }
  }
}
