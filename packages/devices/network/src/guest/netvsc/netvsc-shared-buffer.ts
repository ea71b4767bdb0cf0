import type { PageMemory } from '@tsvisor/device-sdk';
import type { VscContext } from '@tsvisor/device-sdk/guest';

const PAGE_SIZE = 4096;

/**
 * A netvsc buffer (receive or send): guest pages lent by the kernel and described to the host as a
 * GPADL of the device, which SEND_RECEIVE_BUFFER / SEND_SEND_BUFFER then name by handle
 * (PROTOCOLS.md §2, §4), as Linux's netvsc does. Guest-safe.
 */
export class NetvscSharedBuffer {
  private constructor(
    private readonly context: VscContext,
    private readonly firstPfn: number,
    private readonly pages: number,
    /** The GPADL handle the host knows the buffer by. */
    readonly gpadl: number,
    /** The buffer's bytes, whole pages. */
    readonly bytes: Uint8Array,
  ) {}

  /** Borrows pages for at least `byteCount` bytes and shares them; the pages go back if the host refuses the GPADL. */
  static async share(context: VscContext, memory: PageMemory, byteCount: number): Promise<NetvscSharedBuffer> {
    const pages = Math.ceil(byteCount / PAGE_SIZE);
    const firstPfn = context.allocatePages(pages);
    let gpadl: number;
    try {
      gpadl = await context.createGpadl(firstPfn, pages);
    } catch (error) {
      context.releasePages(firstPfn, pages);
      throw error;
    }
    return new NetvscSharedBuffer(context, firstPfn, pages, gpadl, new Uint8Array(memory.buffer, firstPfn * PAGE_SIZE, pages * PAGE_SIZE));
  }

  /** Tears the GPADL down (once the host was told to stop using the buffer), then gives the pages back. */
  async release(): Promise<void> {
    await this.context.teardownGpadl(this.gpadl);
    this.context.releasePages(this.firstPfn, this.pages);
  }
}
