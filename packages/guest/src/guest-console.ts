import { GUEST_CONSOLE_CONNECTION_ID, GUEST_CONSOLE_MESSAGE_TYPE } from '@tsvisor/device-sdk';
import { GuestSynic, type VpEnvironment } from '@tsvisor/vmbus';
import { encodeUtf8 } from '@tsvisor/wire';

const CHUNK = 240;

/**
 * The guest's console: lines of UTF-8 text posted to the host on the console connection id.
 * Output the host does not take (it granted no console port, or its queue is full) is dropped
 * and counted: a console never blocks the guest.
 */
export class GuestConsole {
  private readonly synic: GuestSynic;
  /** Messages the hypervisor refused. */
  dropped = 0;

  constructor(vp: VpEnvironment) {
    this.synic = new GuestSynic(vp);
  }

  /** Writes `values` as one line, joined by spaces (strings as they are, the rest via String()). */
  log(...values: unknown[]): void {
    const bytes = encodeUtf8(`${values.map((v) => (typeof v === 'string' ? v : String(v))).join(' ')}\n`);
    for (let offset = 0; offset < bytes.length; offset += CHUNK) {
      const status = this.synic.postMessage(GUEST_CONSOLE_CONNECTION_ID, GUEST_CONSOLE_MESSAGE_TYPE, bytes.subarray(offset, offset + CHUNK));
      if (status !== 0) this.dropped++;
    }
  }
}
