import type { VscContext, VscDriver } from '@tsvisor/device-sdk/guest';
import { firstValueFrom } from 'rxjs';

/** Interface GUID of the shared-buffer device the kernel tests offer. */
export const SHARED_BUFFER_TYPE = '5a1e0c3b-8d2f-4b6a-9c1e-7f3d2b4a6c90';

/** Pages of the buffer the driver shares. */
export const SHARED_BUFFER_PAGES = 3;

/** What the host answers when the handle it was given names no GPADL of its device. */
export const UNKNOWN_GPADL_ANSWER = 0xee;

/**
 * The guest side of a device that shares a buffer by GPADL, as netvsc does: `share(fill)` fills
 * the buffer and describes it to the host, resolving with the handle; `ask(handle)` sends the
 * handle (u32) in an 8-byte request and resolves with the host's answer: the byte it read at the
 * buffer's last offset, or {@link UNKNOWN_GPADL_ANSWER}. `unshare()` tears the GPADL down.
 */
export interface SharedBuffer {
  share(fill: number): Promise<number>;
  ask(handle: number): Promise<number>;
  unshare(handle: number): Promise<void>;
}

export const sharedBufferDriver: VscDriver<SharedBuffer> = {
  deviceClass: { id: 'test.shared-buffer', interfaceType: SHARED_BUFFER_TYPE, displayName: 'Shared buffer', channel: { ringPages: 4 } },
  async bind(context: VscContext): Promise<SharedBuffer> {
    const channel = await context.open();
    const firstPfn = context.allocatePages(SHARED_BUFFER_PAGES);
    return {
      share(fill: number): Promise<number> {
        const memory = channel.memory;
        if (!memory) return Promise.reject(new Error('the channel has no memory'));
        new Uint8Array(memory.buffer, firstPfn * 4096, SHARED_BUFFER_PAGES * 4096).fill(fill);
        return context.createGpadl(firstPfn, SHARED_BUFFER_PAGES);
      },
      async ask(handle: number): Promise<number> {
        const payload = new Uint8Array(8);
        new DataView(payload.buffer).setUint32(0, handle, true);
        return (await firstValueFrom(channel.request({ payload }))).payload[0]!;
      },
      unshare: (handle) => context.teardownGpadl(handle),
    };
  },
};
