import { firstValueFrom } from 'rxjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LocalSwitchDirectory } from '../../host/switch-directory/local-switch-directory.js';
import { NvspMessageType, NvspStatus } from '../../protocol/nvsp-message-type.js';
import { encodeNvspMessage, readNvspMessage } from '../../protocol/nvsp-message.js';
import { collectFrames, connectNic, testFrame, type TestNic } from '../../test-fixtures/nic-test-bed.js';
import { IpStack } from '../ip/ip-stack.js';
import { ipv4Address } from '../ip/ipv4-address.js';
import { NETVSC_DEFAULT_SEND_BUFFER_SIZE } from './netvsc-driver.js';

let nics: TestNic[] = [];
let stacks: IpStack[] = [];
afterEach(async () => {
  for (const stack of stacks) stack.close();
  for (const n of nics) await n.bed.close();
  nics = [];
  stacks = [];
});

async function lab(count: number, queueDepth?: number): Promise<TestNic[]> {
  const directory = new LocalSwitchDirectory();
  directory.create({ name: 'lab', kind: 'private', ...(queueDepth ? { queueDepth } : {}) });
  for (let i = 0; i < count; i++) nics.push(await connectNic(directory, { switch: 'lab', macAddress: `00-15-5D-00-00-0${i + 1}` }));
  return nics;
}

const NETMASK = ipv4Address('255.255.255.0');
const clock = (): number => 0;

describe('two guests over two synthetic NICs', () => {
  it('ping each other and exchange UDP datagrams with the IP stack', async () => {
    const [a, b] = await lab(2);
    const stackA = new IpStack(a!.adapter, { address: ipv4Address('10.0.0.1'), netmask: NETMASK, clock });
    const stackB = new IpStack(b!.adapter, { address: ipv4Address('10.0.0.2'), netmask: NETMASK, clock });
    stacks.push(stackA, stackB);
    await expect(stackA.ping(ipv4Address('10.0.0.2'), { timeoutMs: 60_000 })).resolves.toBe(0);
    await expect(stackB.ping(ipv4Address('10.0.0.1'), { timeoutMs: 60_000 })).resolves.toBe(0);
    const socketB = stackB.bind(5000);
    const socketA = stackA.bind(6000);
    await socketA.send(ipv4Address('10.0.0.2'), 5000, new Uint8Array([1, 2, 3]));
    const message = await socketB.nextMessage();
    expect([...message.payload]).toEqual([1, 2, 3]);
    expect(message).toMatchObject({ port: 6000 });
    await socketB.send(message.address, message.port, new Uint8Array(1400).fill(7));
    const reply = await socketA.nextMessage();
    expect(reply.payload.length).toBe(1400);
    expect(reply.payload.every((byte) => byte === 7)).toBe(true);
    expect(a!.vsp.counts.protocolErrors + b!.vsp.counts.protocolErrors).toBe(0);
  });
});

describe('the guest NIC', () => {
  it('bounds frames in flight by its send sections: send drops (counted) and transmit waits when all are taken', async () => {
    // A switch queue deep enough for the whole burst: every frame the NIC took arrives.
    const [a, b] = await lab(2, 1024);
    const atB = collectFrames(b!.adapter);
    const sections = a!.adapter.freeSendSections;
    expect(sections).toBe(Math.floor(NETVSC_DEFAULT_SEND_BUFFER_SIZE / 1600));
    // Full-size frames: one per section.
    for (let i = 0; i < sections + 5; i++) a!.adapter.send(testFrame(b!.adapter.mac, a!.adapter.mac, 1514, i & 0xff));
    expect(a!.adapter.counters.sendDropped).toBe(5);
    expect(a!.adapter.freeSendSections).toBe(0);
    const sent = a!.adapter.transmit(testFrame(b!.adapter.mac, a!.adapter.mac, 60, 0xee));
    await sent;
    await vi.waitFor(() => expect(atB.length).toBe(sections + 1), { timeout: 10_000 });
    expect(atB[sections]![20]).toBe(0xee);
    await vi.waitFor(() => expect(a!.adapter.freeSendSections).toBe(sections), { timeout: 10_000 });
  });

  it('batches the frames of one turn into shared sections, one SEND_RNDIS_PACKET each, and they arrive in order', async () => {
    const [a, b] = await lab(2);
    const atB = collectFrames(b!.adapter);
    const sections = a!.adapter.freeSendSections;
    const packetsBefore = a!.bed.guest.counters().packetsSent;
    const count = 40;
    for (let i = 0; i < count; i++) a!.adapter.send(testFrame(b!.adapter.mac, a!.adapter.mac, 60 + (i % 3) * 8, i));
    const used = sections - a!.adapter.freeSendSections;
    expect(used).toBeGreaterThan(1);
    expect(used).toBeLessThan(count / 4);
    // The open section goes at the end of the turn.
    await vi.waitFor(() => expect(atB.length).toBe(count), { timeout: 10_000 });
    expect(atB.map((frame) => [frame.length, frame[20]])).toEqual(Array.from({ length: count }, (_, i) => [60 + (i % 3) * 8, i]));
    expect(a!.bed.guest.counters().packetsSent - packetsBefore).toBe(used);
    expect(a!.adapter.counters).toMatchObject({ framesSent: count, sendDropped: 0, sendFailed: 0 });
    expect(a!.vsp.counts).toMatchObject({ framesSent: count, protocolErrors: 0 });
    await vi.waitFor(() => expect(a!.adapter.freeSendSections).toBe(sections), { timeout: 10_000 });
  });

  it('transmit adds to the open section without waiting when all the others are in flight', async () => {
    const [a, b] = await lab(2, 1024);
    const atB = collectFrames(b!.adapter);
    const sections = a!.adapter.freeSendSections;
    for (let i = 0; i < sections - 1; i++) a!.adapter.send(testFrame(b!.adapter.mac, a!.adapter.mac, 1514, i));
    a!.adapter.send(testFrame(b!.adapter.mac, a!.adapter.mac, 60, 1));
    expect(a!.adapter.freeSendSections).toBe(0);
    const transmitted = a!.adapter.transmit(testFrame(b!.adapter.mac, a!.adapter.mac, 60, 2));
    expect(a!.adapter.counters.framesSent).toBe(sections + 1);
    await transmitted;
    await vi.waitFor(() => expect(atB.length).toBe(sections + 1), { timeout: 10_000 });
    expect(atB.slice(-2).map((frame) => frame[20])).toEqual([1, 2]);
  });

  it('falls back to smaller receive and send buffers when guest memory has no run for the default ones', async () => {
    const directory = new LocalSwitchDirectory();
    directory.create({ name: 'lab', kind: 'private' });
    // 200 pages: no room for 2 MiB (512 pages) or 1 MiB, room for 512 KiB; then 72 pages left: the
    // send buffer falls from 1 MiB to 256 KiB (64 pages).
    const small = await connectNic(directory, { switch: 'lab', macAddress: '00-15-5D-00-00-0A' }, { driverPages: 200 });
    nics.push(small);
    expect(small.adapter.freeSendSections).toBe(Math.floor((256 * 1024) / 1600));
    const asked = await connectNic(directory, { switch: 'lab', macAddress: '00-15-5D-00-00-0C' }, { driver: { receiveBufferSize: 512 * 1024 } });
    nics.push(asked);
    // Bring-up answers borrow a slot each until the guest completes them: compare once both are idle.
    await vi.waitFor(() => expect(small.vsp.counters().freeReceiveSlots).toBe(asked.vsp.counters().freeReceiveSlots), { timeout: 10_000 });
    expect(small.vsp.counters().freeReceiveSlots).toBeGreaterThan(300);
    // Below the smallest fallback, the bring-up fails and says why.
    await expect(connectNic(directory, { switch: 'lab', macAddress: '00-15-5D-00-00-0B' }, { driverPages: 60 })).rejects.toThrow(RangeError);
  });

  it('completes a malformed transfer-page packet from the host with a failure and counts it', async () => {
    const [a] = await lab(1);
    const host = a!.bed.host;
    const garbage = await firstValueFrom(host.request({ payload: encodeNvspMessage({ type: NvspMessageType.SEND_RNDIS_PACKET, channelType: 0, sendBufferSectionIndex: 0xffffffff, sendBufferSectionSize: 0 }), transferPages: { pagesetId: 0xcafe, ranges: [{ byteOffset: 0, byteCount: 100 }] } }));
    expect(readNvspMessage(garbage.payload, 'guest')).toMatchObject({ type: NvspMessageType.SEND_RNDIS_PACKET_COMPLETE, status: NvspStatus.FAILURE });
    const wrongSet = await firstValueFrom(host.request({ payload: new Uint8Array(40), transferPages: { pagesetId: 7, ranges: [{ byteOffset: 0, byteCount: 100 }] } }));
    expect(readNvspMessage(wrongSet.payload, 'guest')).toMatchObject({ status: NvspStatus.FAILURE });
    expect(a!.adapter.counters.protocolErrors).toBe(2);
    expect(a!.bed.guest.state).toBe('open');
  });
});

describe('fairness through the whole NIC path', () => {
  it('a quiet pair gets every frame while another VM floods the switch', async () => {
    // A small switch queue, so that the flood overflows its own port's queue.
    const [flooder, sink, quietA, quietB] = await lab(4, 32);
    const floodSections = flooder!.adapter.freeSendSections;
    const atQuietB = collectFrames(quietB!.adapter);
    const atSink = collectFrames(sink!.adapter);
    const flood = testFrame(sink!.adapter.mac, flooder!.adapter.mac, 1514, 0xff);
    const quiet = 100;
    let flooded = 0;
    for (let i = 0; i < quiet; i++) {
      // Each round: the flooder fills every send section it has, the quiet VM sends one frame.
      while (flooder!.adapter.freeSendSections > 0) {
        flooder!.adapter.send(flood);
        flooded++;
      }
      await quietA!.adapter.transmit(testFrame(quietB!.adapter.mac, quietA!.adapter.mac, 60, i));
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    await vi.waitFor(() => expect(atQuietB.length).toBe(quiet), { timeout: 20_000 });
    expect(atQuietB.map((frame) => frame[20])).toEqual(Array.from({ length: quiet }, (_, i) => i));
    expect(quietA!.vsp.portCounters!.droppedQueueFull).toBe(0);
    expect(quietB!.vsp.counters().receiveDroppedNoSlot).toBe(0);
    // The flood went on all along, far more frames than the quiet ones; its own port's queue held
    // it back (netvsp left its sends in the ring while the queue was short of room) instead of
    // dropping them, and the sink lost what it had no receive slot for.
    expect(flooded).toBeGreaterThan(10 * quiet);
    await vi.waitFor(() => expect(flooder!.adapter.freeSendSections).toBe(floodSections), { timeout: 20_000 });
    const port = flooder!.vsp.portCounters!;
    expect(port.framesIn).toBe(flooded);
    const sinkCounters = sink!.vsp.counts;
    expect(flooder!.vsp.counts.sendPauses).toBeGreaterThan(0);
    expect(port.droppedQueueFull).toBe(0);
    expect(port.framesForwarded).toBe(flooded);
    expect(sinkCounters.framesReceived + sinkCounters.receiveDroppedNoSlot).toBe(port.framesForwarded);
    await vi.waitFor(() => expect(atSink.length).toBe(sinkCounters.framesReceived), { timeout: 20_000 });
  });
});
