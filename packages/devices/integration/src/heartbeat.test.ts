import { pipePacket } from '@tsvisor/device-sdk';
import { connectDevice, type DeviceTestBed } from '@tsvisor/device-sdk/testing';
import { filter, firstValueFrom, timeout } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { HeartbeatDriver, type HeartbeatDevice } from './guest/heartbeat-driver.js';
import { HeartbeatVspFactory, type HeartbeatVsp } from './host/heartbeat-vsp.js';
import { HeartbeatApplicationState } from './protocol/heartbeat.js';

let bed: DeviceTestBed<HeartbeatDevice> | undefined;
afterEach(async () => {
  await bed?.close();
  bed = undefined;
});

describe('heartbeat service', () => {
  it('negotiates, goes ok, and reports lost communication once the guest stops answering', async () => {
    bed = await connectDevice({ factory: new HeartbeatVspFactory(), driver: new HeartbeatDriver(), config: { intervalMs: 20, missedLimit: 3 } });
    const vsp = bed.vsp as HeartbeatVsp;
    expect(vsp.status).toBe('no-contact');
    await firstValueFrom(vsp.status$.pipe(filter((s) => s === 'ok'), timeout(5_000)));
    expect(vsp.applicationState).toBe(HeartbeatApplicationState.HEALTHY);
    bed.device.answering = false;
    await firstValueFrom(vsp.status$.pipe(filter((s) => s === 'lost-communication'), timeout(5_000)));
    expect(vsp.counters().timeouts).toBeGreaterThanOrEqual(3);
    bed.device.answering = true;
    await firstValueFrom(vsp.status$.pipe(filter((s) => s === 'ok'), timeout(5_000)));
    expect(bed.device.counters.rejected).toBe(0);
    expect(vsp.counters().rejected).toBe(0);
  });

  it('rejects and counts hostile guest messages (no pipe header, unknown type, wrong sizes, unsolicited) and stays up', async () => {
    // A high missedLimit: a loaded test machine may stall an answer past one 20 ms interval, and
    // this test is about hostile messages, not about lost answers.
    bed = await connectDevice({ factory: new HeartbeatVspFactory(), driver: new HeartbeatDriver(), config: { intervalMs: 20, missedLimit: 100 } });
    const vsp = bed.vsp as HeartbeatVsp;
    await firstValueFrom(vsp.status$.pipe(filter((s) => s === 'ok'), timeout(5_000)));
    const header = (type: number, size: number, flags = 5): Uint8Array => {
      const bytes = new Uint8Array(20 + 16);
      const view = new DataView(bytes.buffer);
      view.setUint16(4, type, true); // icmsgtype
      view.setUint16(10, size, true); // icmsgsize
      view.setUint8(16, 0xee); // a transaction id no request has
      view.setUint8(17, flags);
      return bytes;
    };
    const hostile = [
      { payload: new Uint8Array(8) }, // pipe header of type 0
      pipePacket(new Uint8Array(7)), // shorter than an icmsg header
      pipePacket(header(99, 0)), // unknown message type
      pipePacket(header(1, 4000)), // icmsgsize beyond the bytes
      pipePacket(header(1, 16, 0x40)), // unknown flags
      pipePacket(header(1, 16)), // a well-formed answer to nothing
    ];
    const before = vsp.counters().rejected;
    for (const packet of hostile) expect(bed.guest.trySend(packet)).toBe(true);
    for (let i = 0; i < 500 && vsp.counters().rejected < before + hostile.length; i++) await new Promise((r) => setTimeout(r, 5));
    expect(vsp.counters().rejected).toBe(before + hostile.length);
    const requests = vsp.counters().requests;
    for (let i = 0; i < 200 && vsp.counters().requests <= requests + 3; i++) await new Promise((r) => setTimeout(r, 10));
    expect(vsp.status).toBe('ok');
    expect(bed.host.state).toBe('open');
  });
});
