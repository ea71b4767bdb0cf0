import fc from 'fast-check';
import { firstValueFrom } from 'rxjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { NVSP_SEND_SECTION_INDEX_NONE } from '../../protocol/nvsp-buffer.js';
import { NvspChannelType, NvspMessageType, NvspStatus } from '../../protocol/nvsp-message-type.js';
import { encodeNvspMessage, readNvspMessage } from '../../protocol/nvsp-message.js';
import { RndisMessageType } from '../../protocol/rndis-message-type.js';
import { encodeRndisMessage } from '../../protocol/rndis-message.js';
import { writeRndisPacketHeader } from '../../protocol/rndis-packet.js';
import { connectDevice } from '@tsvisor/device-sdk/testing';
import type { VscContext } from '@tsvisor/device-sdk/guest';
import { NETVSC_DEFAULT_RECEIVE_BUFFER_SIZE, NetvscDriver } from '../../guest/netvsc/netvsc-driver.js';
import type { NetworkAdapter } from '../../guest/netvsc/network-adapter.js';
import { networkSyntheticClass, type NetworkAdapterConfig } from '../../network-class.js';
import { NVSP_RECEIVE_BUFFER_ID, NVSP_SEND_BUFFER_ID } from '../../protocol/nvsp-buffer.js';
import { NIC_DRIVER_PAGES, collectFrames, connectNic, testFrame, type TestNic } from '../../test-fixtures/nic-test-bed.js';
import { NetworkVsp } from './network-vsp.js';
import { LocalSwitchDirectory } from '../switch-directory/local-switch-directory.js';

/** The test bed's pages for raw requests: right after the primary channel's rings (2 × 32 pages). */
const RAW_PFN = 64;
const PAGE = 4096;

let nics: TestNic[] = [];
afterEach(async () => {
  for (const n of nics) await n.bed.close();
  nics = [];
});

function lab(): LocalSwitchDirectory {
  const directory = new LocalSwitchDirectory();
  directory.create({ name: 'lab', kind: 'private' });
  return directory;
}

async function pair(): Promise<{ a: TestNic; b: TestNic }> {
  const directory = lab();
  const a = await connectNic(directory, { switch: 'lab', macAddress: '00-15-5D-00-00-0A' });
  const b = await connectNic(directory, { switch: 'lab', macAddress: '00-15-5D-00-00-0B' });
  nics.push(a, b);
  return { a, b };
}

function u32s(...values: number[]): Uint8Array {
  const bytes = new Uint8Array(values.length * 4);
  values.forEach((value, i) => new DataView(bytes.buffer).setUint32(4 * i, value, true));
  return bytes;
}

function rndisPacketMessage(channelType: number, section = NVSP_SEND_SECTION_INDEX_NONE, size = 0): Uint8Array {
  return u32s(NvspMessageType.SEND_RNDIS_PACKET, channelType, section, size, 0, 0, 0, 0, 0, 0);
}

/** Sends `payload` from the guest's end as a raw request (its `gpa` bytes, if any, in the raw pages) and returns the completion payload. */
async function raw(nic: TestNic, payload: Uint8Array, gpa?: Uint8Array | { pfn: number; byteCount: number }): Promise<Uint8Array> {
  let ranges;
  if (gpa instanceof Uint8Array) {
    new Uint8Array(nic.bed.memory.buffer, RAW_PFN * PAGE, gpa.length).set(gpa);
    const pages = Math.ceil(gpa.length / PAGE);
    ranges = [{ byteOffset: 0, byteCount: gpa.length, pfns: Array.from({ length: pages }, (_, i) => RAW_PFN + i) }];
  } else if (gpa) {
    ranges = [{ byteOffset: 0, byteCount: gpa.byteCount, pfns: [gpa.pfn] }];
  }
  const completion = await firstValueFrom(nic.bed.guest.request({ payload, ...(ranges ? { gpaRanges: ranges } : {}) }));
  return completion.payload;
}

function rndisPacketWith(frameLength: number, patch?: (view: DataView) => void): Uint8Array {
  const bytes = new Uint8Array(44 + frameLength);
  const view = new DataView(bytes.buffer);
  writeRndisPacketHeader(view, 0, frameLength);
  bytes.set([0x00, 0x15, 0x5d, 0x00, 0x00, 0x0b, 0x00, 0x15, 0x5d, 0x00, 0x00, 0x0a, 0x88, 0xb5], 44);
  patch?.(view);
  return bytes;
}

const FAILED_108 = { type: NvspMessageType.SEND_RNDIS_PACKET_COMPLETE, status: NvspStatus.FAILURE };

describe('netvsp facing a hostile guest', () => {
  const cases: [string, () => Uint8Array, (Uint8Array | { pfn: number; byteCount: number } | undefined)?, object?][] = [
    ['an unknown message type', () => u32s(999, 0), undefined, FAILED_108],
    ['a message cut short (INIT of 4 bytes)', () => u32s(NvspMessageType.INIT), undefined, { type: NvspMessageType.INIT_COMPLETE, status: NvspStatus.FAILURE }],
    ['a second INIT', () => encodeNvspMessage({ type: NvspMessageType.INIT, minProtocolVersion: 0x2, maxProtocolVersion: 0x60001 }), undefined, { type: NvspMessageType.INIT_COMPLETE, status: NvspStatus.FAILURE }],
    ['a message only hosts send', () => encodeNvspMessage({ type: NvspMessageType.INIT_COMPLETE, negotiatedProtocolVersion: 0, maxMdlChainLength: 0, status: 1 }), undefined, FAILED_108],
    ['a second receive buffer', () => encodeNvspMessage({ type: NvspMessageType.SEND_RECEIVE_BUFFER, gpadlHandle: 1, id: 0xcafe }), undefined, { type: NvspMessageType.SEND_RECEIVE_BUFFER_COMPLETE, status: NvspStatus.FAILURE }],
    ['a send buffer with another id', () => encodeNvspMessage({ type: NvspMessageType.SEND_SEND_BUFFER, gpadlHandle: 1, id: 5 }), undefined, { type: NvspMessageType.SEND_SEND_BUFFER_COMPLETE, status: NvspStatus.FAILURE }],
    ['a revoke of a buffer id it never shared', () => encodeNvspMessage({ type: NvspMessageType.REVOKE_SEND_BUFFER, id: 7 }), undefined, undefined],
    ['an RNDIS packet in a section past the send buffer', () => rndisPacketMessage(NvspChannelType.DATA, 100_000, 60), undefined, FAILED_108],
    ['an RNDIS packet longer than a section', () => rndisPacketMessage(NvspChannelType.DATA, 0, 1_000_000), undefined, FAILED_108],
    ['an RNDIS packet of an unknown channel type', () => rndisPacketMessage(7), rndisPacketWith(60), FAILED_108],
    ['an RNDIS packet with neither a section nor GPA ranges', () => rndisPacketMessage(NvspChannelType.DATA), undefined, FAILED_108],
    ['an RNDIS_PACKET whose frame lies past its end', () => rndisPacketMessage(NvspChannelType.DATA), rndisPacketWith(60, (view) => view.setUint32(12, 1000, true)), FAILED_108],
    ['an RNDIS_PACKET whose data offset points into its header', () => rndisPacketMessage(NvspChannelType.DATA), rndisPacketWith(60, (view) => view.setUint32(8, 4, true)), FAILED_108],
    ['GPA ranges outside guest memory', () => rndisPacketMessage(NvspChannelType.DATA), { pfn: 0x7fff_ffff, byteCount: 104 }, FAILED_108],
    ['a control message that is garbage', () => rndisPacketMessage(NvspChannelType.CONTROL), u32s(0xdead, 8, 1, 2), FAILED_108],
    ['a control message with a length past its bytes', () => rndisPacketMessage(NvspChannelType.CONTROL), u32s(RndisMessageType.QUERY, 4000, 1, 0x10101, 0, 20, 0), FAILED_108],
    ['an RNDIS completion sent as a request', () => rndisPacketMessage(NvspChannelType.CONTROL), encodeRndisMessage({ type: RndisMessageType.KEEPALIVE_COMPLETE, requestId: 1, status: 0 }), FAILED_108],
    ['RNDIS_PACKET_COMPLETE sent as data', () => encodeNvspMessage({ type: NvspMessageType.SEND_RNDIS_PACKET_COMPLETE, status: 1 }), undefined, FAILED_108],
    ['an NDIS config with an MTU of 10', () => encodeNvspMessage({ type: NvspMessageType.SEND_NDIS_CONFIG, mtu: 24, capabilities: 0n }), undefined, undefined],
    ['an NDIS version 5', () => encodeNvspMessage({ type: NvspMessageType.SEND_NDIS_VERSION, ndisMajorVersion: 5, ndisMinorVersion: 0 }), undefined, undefined],
  ];

  it.each(cases)('answers %s with a failure, counts it, and goes on serving', async (_name, payload, gpa, reply) => {
    const { a, b } = await pair();
    const before = a.vsp.counts.protocolErrors;
    const answer = await raw(a, payload(), gpa);
    if (reply) expect(readNvspMessage(answer, 'host')).toMatchObject(reply);
    else expect(answer.length).toBe(0);
    expect(a.vsp.counters().protocolErrors).toBe(before + 1);
    expect(a.bed.host.state).toBe('open');
    expect(a.bed.host.counters().subscriberErrors).toBe(0);
    const atB = collectFrames(b.adapter);
    a.adapter.send(testFrame(b.adapter.mac, a.adapter.mac, 60, 9));
    await vi.waitFor(() => expect(atB.length).toBe(1), { timeout: 10_000 });
  });

  it('refuses sub-channels (one queue) without counting an error', async () => {
    const { a } = await pair();
    const answer = await raw(a, encodeNvspMessage({ type: NvspMessageType.SUBCHANNEL, operation: 1, numSubchannels: 4 }));
    expect(readNvspMessage(answer, 'host')).toMatchObject({ type: NvspMessageType.SUBCHANNEL, status: NvspStatus.FAILURE, numSubchannels: 0 });
    expect(a.vsp.counters().protocolErrors).toBe(0);
  });

  it('refuses a frame longer than the MTU from the guest, counted apart', async () => {
    const { a } = await pair();
    const answer = await raw(a, rndisPacketMessage(NvspChannelType.DATA), rndisPacketWith(1600));
    expect(readNvspMessage(answer, 'host')).toMatchObject(FAILED_108);
    expect(a.vsp.counters()).toMatchObject({ sendsOversize: 1, framesSent: 0 });
  });

  it('sends a frame given in GPA-direct ranges instead of a section', async () => {
    const { a, b } = await pair();
    const atB = collectFrames(b.adapter);
    const answer = await raw(a, rndisPacketMessage(NvspChannelType.DATA), rndisPacketWith(60));
    expect(readNvspMessage(answer, 'host')).toMatchObject({ type: NvspMessageType.SEND_RNDIS_PACKET_COMPLETE, status: NvspStatus.SUCCESS });
    await vi.waitFor(() => expect(atB.length).toBe(1), { timeout: 10_000 });
  });

  it('takes random NVSP and RNDIS bytes with only counted errors: every request is answered and the host keeps serving', async () => {
    const { a, b } = await pair();
    const revokes = new Set<number>([NvspMessageType.REVOKE_RECEIVE_BUFFER, NvspMessageType.REVOKE_SEND_BUFFER]);
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.record({ kind: fc.constant('nvsp' as const), bytes: fc.uint8Array({ maxLength: 48 }), type: fc.constantFrom(0, 1, 2, 100, 101, 104, 107, 108, 125, 133, 134, 0xffffffff) }),
          fc.record({ kind: fc.constant('rndis' as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 256 }), type: fc.constantFrom(0, 1, 2, 3, 4, 5, 6, 7, 8, 0x80000002), channel: fc.constantFrom(0, 1, 2) }),
        ),
        async (input) => {
          const bytes = input.bytes.slice();
          if (bytes.length >= 4) new DataView(bytes.buffer).setUint32(0, input.type, true);
          if (input.kind === 'nvsp') {
            if (bytes.length >= 4 && revokes.has(input.type)) return;
            await raw(a, bytes);
          } else {
            await raw(a, rndisPacketMessage(input.channel), bytes);
          }
        },
      ),
      { numRuns: 300, seed: 20261124 },
    );
    expect(a.vsp.counters().protocolErrors).toBeGreaterThan(0);
    expect(a.bed.host.state).toBe('open');
    // The host and the switch go on serving: b and a fresh look at a's channel both answer.
    const keepalive = await a.adapter.control((requestId) => ({ type: RndisMessageType.KEEPALIVE, requestId }));
    expect(keepalive.type).toBe(RndisMessageType.KEEPALIVE_COMPLETE);
    // Whatever state the fuzz left a's RNDIS device in, a frame for it ends in exactly one counter.
    const outcomes = () => {
      const c = a.vsp.counts;
      return c.framesReceived + c.receiveDroppedFiltered + c.receiveDroppedNotReady + c.receiveDroppedNoSlot + c.receiveDroppedLinkDown + c.receiveDroppedOversize;
    };
    const before = outcomes();
    b.adapter.send(testFrame(a.adapter.mac, b.adapter.mac, 60, 1));
    await vi.waitFor(() => expect(outcomes()).toBe(before + 1), { timeout: 10_000 });
    expect(b.vsp.counters().framesSent).toBe(1);
    // No exception escaped the VSP's packet handler (the channel would count it).
    expect(a.bed.host.counters().subscriberErrors).toBe(0);
  });
});

/** A NIC whose driver's kernel context the test keeps, to make GPADLs of its own; `extraGpadls` are made first (their handles then differ from another NIC's). */
async function nicWithContext(directory: LocalSwitchDirectory, macAddress: string, extraGpadls = 0): Promise<TestNic & { context: VscContext; driver: NetvscDriver }> {
  const driver = new NetvscDriver();
  let context: VscContext | undefined;
  const bed = await connectDevice({
    factory: { deviceClass: networkSyntheticClass, create: (vspContext) => new NetworkVsp(vspContext as never, directory) },
    driver: {
      deviceClass: driver.deviceClass,
      bind: async (given: VscContext): Promise<NetworkAdapter> => {
        context = given;
        for (let i = 0; i < extraGpadls; i++) await given.createGpadl(given.allocatePages(1), 1);
        return driver.bind(given);
      },
      unbind: (adapter: NetworkAdapter) => driver.unbind(adapter),
    },
    config: { switch: 'lab', macAddress } satisfies Partial<Record<keyof NetworkAdapterConfig, unknown>>,
    driverPages: NIC_DRIVER_PAGES,
  });
  const nic = { bed, vsp: bed.vsp as NetworkVsp, adapter: bed.device, context: context!, driver };
  nics.push(nic);
  return nic;
}

/** A GPADL of `pages` fresh driver pages of `nic`. */
async function freshGpadl(nic: { context: VscContext }, pages: number): Promise<number> {
  return nic.context.createGpadl(nic.context.allocatePages(pages), pages);
}

const RECEIVE_FAILED = { type: NvspMessageType.SEND_RECEIVE_BUFFER_COMPLETE, status: NvspStatus.FAILURE, numSections: 0 };
const SEND_FAILED = { type: NvspMessageType.SEND_SEND_BUFFER_COMPLETE, status: NvspStatus.FAILURE, sectionSize: 0 };
const shareReceive = (gpadlHandle: number) => encodeNvspMessage({ type: NvspMessageType.SEND_RECEIVE_BUFFER, gpadlHandle, id: NVSP_RECEIVE_BUFFER_ID });
const shareSend = (gpadlHandle: number) => encodeNvspMessage({ type: NvspMessageType.SEND_SEND_BUFFER, gpadlHandle, id: NVSP_SEND_BUFFER_ID });

describe('netvsp buffers named by GPADL', () => {
  it('stops writing the receive buffer on REVOKE, refuses an unknown, foreign or torn-down handle, and takes a good one', async () => {
    const directory = lab();
    const a = await nicWithContext(directory, '00-15-5D-00-00-0A');
    const b = await nicWithContext(directory, '00-15-5D-00-00-0B', 4);
    expect(await raw(a, encodeNvspMessage({ type: NvspMessageType.REVOKE_RECEIVE_BUFFER, id: NVSP_RECEIVE_BUFFER_ID }))).toHaveLength(0);
    b.adapter.send(testFrame(a.adapter.mac, b.adapter.mac));
    await vi.waitFor(() => expect(a.vsp.counters().receiveDroppedNotReady).toBe(1), { timeout: 10_000 });
    expect(a.vsp.counters()).toMatchObject({ framesReceived: 0, freeReceiveSlots: 0 });
    const tornDown = await freshGpadl(a, 16);
    await a.context.teardownGpadl(tornDown);
    // B made four GPADLs before its buffers, so its receive buffer's handle is one A never had.
    const foreign = 0x1005;
    expect([b.bed.host.gpadl(foreign)?.pfns.length, a.bed.host.gpadl(foreign)]).toEqual([NETVSC_DEFAULT_RECEIVE_BUFFER_SIZE / 4096, undefined]);
    for (const handle of [0xdead_beef, foreign, tornDown]) expect(readNvspMessage(await raw(a, shareReceive(handle)), 'host')).toMatchObject(RECEIVE_FAILED);
    expect(a.vsp.counters().protocolErrors).toBe(3);
    const reply = readNvspMessage(await raw(a, shareReceive(await freshGpadl(a, 16))), 'host');
    expect(reply).toMatchObject({ type: NvspMessageType.SEND_RECEIVE_BUFFER_COMPLETE, status: NvspStatus.SUCCESS, numSections: 1 });
    // 16 pages: forty 1600-byte slots.
    expect(a.vsp.counters()).toMatchObject({ protocolErrors: 3, freeReceiveSlots: 40 });
  });

  it('fails sends from a revoked send buffer, and takes a new one by handle', async () => {
    const directory = lab();
    const a = await nicWithContext(directory, '00-15-5D-00-00-0A');
    const b = await nicWithContext(directory, '00-15-5D-00-00-0B');
    expect(await raw(a, encodeNvspMessage({ type: NvspMessageType.REVOKE_SEND_BUFFER, id: NVSP_SEND_BUFFER_ID }))).toHaveLength(0);
    a.adapter.send(testFrame(b.adapter.mac, a.adapter.mac));
    await vi.waitFor(() => expect(a.adapter.counters.sendFailed).toBe(1), { timeout: 10_000 });
    expect(a.vsp.counters()).toMatchObject({ framesSent: 0, protocolErrors: 1 });
    expect(readNvspMessage(await raw(a, shareSend(0xdead_beef)), 'host')).toMatchObject(SEND_FAILED);
    const reply = readNvspMessage(await raw(a, shareSend(await freshGpadl(a, 8))), 'host');
    expect(reply).toMatchObject({ type: NvspMessageType.SEND_SEND_BUFFER_COMPLETE, status: NvspStatus.SUCCESS, sectionSize: 1600 });
    expect(a.vsp.counters().protocolErrors).toBe(2);
  });

  it('refuses a buffer of scattered pages with a failure, counted apart', async () => {
    const directory = lab();
    const a = await nicWithContext(directory, '00-15-5D-00-00-0A');
    await raw(a, encodeNvspMessage({ type: NvspMessageType.REVOKE_RECEIVE_BUFFER, id: NVSP_RECEIVE_BUFFER_ID }));
    const first = a.context.allocatePages(8);
    vi.spyOn(a.bed.host, 'gpadl').mockReturnValue({ pfns: [first, first + 1, first + 4, first + 5], byteOffset: 0, byteCount: 4 * PAGE });
    expect(readNvspMessage(await raw(a, shareReceive(0x2000)), 'host')).toMatchObject(RECEIVE_FAILED);
    expect(a.vsp.counters()).toMatchObject({ buffersNotContiguous: 1, protocolErrors: 0 });
    vi.mocked(a.bed.host.gpadl).mockReturnValue({ pfns: [first, first + 1], byteOffset: 0, byteCount: 6000 });
    expect(readNvspMessage(await raw(a, shareReceive(0x2000)), 'host')).toMatchObject(RECEIVE_FAILED);
    expect(a.vsp.counters()).toMatchObject({ buffersNotContiguous: 1, protocolErrors: 1 });
  });

  it('on unbind revokes both buffers, then tears their GPADLs down', async () => {
    const directory = lab();
    const a = await nicWithContext(directory, '00-15-5D-00-00-0A');
    const handles = [0x1001, 0x1002];
    expect(handles.map((h) => a.bed.host.gpadl(h) !== undefined)).toEqual([true, true]);
    const steps: string[] = [];
    const send = a.bed.guest.send.bind(a.bed.guest);
    vi.spyOn(a.bed.guest, 'send').mockImplementation((packet) => (steps.push(`send ${new DataView(packet.payload.buffer).getUint32(0, true)}`), send(packet)));
    const teardown = a.context.teardownGpadl.bind(a.context);
    vi.spyOn(a.context, 'teardownGpadl').mockImplementation((gpadl) => (steps.push(`teardown 0x${gpadl.toString(16)}`), teardown(gpadl)));
    await a.driver.unbind(a.adapter);
    expect(steps).toEqual(['send 103', 'send 106', 'teardown 0x1001', 'teardown 0x1002']);
    expect(handles.map((h) => a.bed.host.gpadl(h))).toEqual([undefined, undefined]);
    await vi.waitFor(() => expect(a.vsp.guestReady).toBe(false), { timeout: 10_000 });
    expect(a.vsp.counters()).toMatchObject({ protocolErrors: 0, freeReceiveSlots: 0 });
  });
});

/** RNDIS_PACKETs of `frames` back to back, each 8-byte aligned, as netvsc batches them in a section. */
function batchOf(frames: readonly Uint8Array[]): { bytes: Uint8Array; starts: number[] } {
  const starts: number[] = [];
  let length = 0;
  for (const frame of frames) {
    length = (length + 7) & ~7;
    starts.push(length);
    length += 44 + frame.length;
  }
  const bytes = new Uint8Array(length);
  frames.forEach((frame, i) => {
    writeRndisPacketHeader(new DataView(bytes.buffer), starts[i]!, frame.length);
    bytes.set(frame, starts[i]! + 44);
  });
  return { bytes, starts };
}

/** A NIC pair whose `a` sends from a send buffer the test wrote: section 0 is `section`. */
async function pairWithOwnSendBuffer(): Promise<{ a: TestNic & { context: VscContext }; b: TestNic; sectionSize: number; section: Uint8Array; after: Uint8Array }> {
  const directory = lab();
  const a = await nicWithContext(directory, '00-15-5D-00-00-0A');
  const b = await nicWithContext(directory, '00-15-5D-00-00-0B');
  await raw(a, encodeNvspMessage({ type: NvspMessageType.REVOKE_SEND_BUFFER, id: NVSP_SEND_BUFFER_ID }));
  const first = a.context.allocatePages(8);
  const reply = readNvspMessage(await raw(a, shareSend(await a.context.createGpadl(first, 8))), 'host');
  if (reply.type !== NvspMessageType.SEND_SEND_BUFFER_COMPLETE) throw new Error('no send buffer');
  const sectionSize = reply.sectionSize;
  const buffer = new Uint8Array(a.bed.memory.buffer, first * PAGE, 8 * PAGE);
  return { a, b, sectionSize, section: buffer.subarray(0, sectionSize), after: buffer.subarray(sectionSize) };
}

describe('netvsp taking batched sends (several RNDIS_PACKETs in one section)', () => {
  it('forwards every frame of a section in order and answers the one SEND_RNDIS_PACKET once', async () => {
    const { a, b, section } = await pairWithOwnSendBuffer();
    const atB = collectFrames(b.adapter);
    const frames = [60, 61, 100, 60].map((length, i) => testFrame(b.adapter.mac, a.adapter.mac, length, 0x10 + i));
    const { bytes } = batchOf(frames);
    section.set(bytes);
    const answer = await raw(a, rndisPacketMessage(NvspChannelType.DATA, 0, bytes.length));
    expect(readNvspMessage(answer, 'host')).toMatchObject({ type: NvspMessageType.SEND_RNDIS_PACKET_COMPLETE, status: NvspStatus.SUCCESS });
    await vi.waitFor(() => expect(atB.length).toBe(4), { timeout: 10_000 });
    expect(atB).toEqual(frames);
    expect(a.vsp.counters()).toMatchObject({ framesSent: 4, protocolErrors: 0 });
  });

  it('delivers the frames before a malformed message, counts it and drops the rest of the section', async () => {
    const { a, b, section } = await pairWithOwnSendBuffer();
    const atB = collectFrames(b.adapter);
    const frames = [0x21, 0x22, 0x23].map((fill) => testFrame(b.adapter.mac, a.adapter.mac, 60, fill));
    const { bytes, starts } = batchOf(frames);
    // The second message's frame lies past its end.
    new DataView(bytes.buffer).setUint32(starts[1]! + 12, 1000, true);
    section.set(bytes);
    const answer = await raw(a, rndisPacketMessage(NvspChannelType.DATA, 0, bytes.length));
    expect(readNvspMessage(answer, 'host')).toMatchObject(FAILED_108);
    await vi.waitFor(() => expect(atB.length).toBe(1), { timeout: 10_000 });
    expect(atB[0]).toEqual(frames[0]);
    expect(a.vsp.counters()).toMatchObject({ framesSent: 1, protocolErrors: 1 });
    // The channel goes on serving: the next section is whole.
    section.set(batchOf([frames[2]!]).bytes);
    expect(readNvspMessage(await raw(a, rndisPacketMessage(NvspChannelType.DATA, 0, 104)), 'host')).toMatchObject({ status: NvspStatus.SUCCESS });
    await vi.waitFor(() => expect(atB.map((frame) => frame[20])).toEqual([0x21, 0x23]), { timeout: 10_000 });
  });

  it('reads nothing outside the section, whatever the bytes of a mutated batch', async () => {
    const { a, b, sectionSize, section, after } = await pairWithOwnSendBuffer();
    // Whole, valid messages right after the section: reading into them would forward their frames.
    const lure = batchOf(Array.from({ length: 8 }, () => testFrame(b.adapter.mac, a.adapter.mac, 200, 0xee))).bytes;
    after.set(lure.subarray(0, Math.min(lure.length, after.length)));
    const forwarded: [number, number][] = [];
    const sendFrame = a.vsp.sendFrame.bind(a.vsp);
    vi.spyOn(a.vsp, 'sendFrame').mockImplementation((frame, offset, length) => (forwarded.push([offset, length]), sendFrame(frame, offset, length)));
    const frameArbitrary = fc.integer({ min: 14, max: 300 });
    await fc.assert(
      fc.asyncProperty(
        fc.array(frameArbitrary, { minLength: 1, maxLength: 8 }),
        fc.array(fc.record({ at: fc.nat(), value: fc.constantFrom(0, 1, 3, 7, 8, 43, 44, 45, 0xff, 0xffff_ffff, 0x8000_0000) }), { maxLength: 4 }),
        fc.integer({ min: -16, max: 16 }),
        async (lengths, mutations, sizeDelta) => {
          const { bytes } = batchOf(lengths.map((length) => testFrame(b.adapter.mac, a.adapter.mac, length, 0x33)));
          const used = Math.min(bytes.length, sectionSize);
          section.fill(0);
          section.set(bytes.subarray(0, used));
          const view = new DataView(section.buffer, section.byteOffset, sectionSize);
          for (const { at, value } of mutations) view.setUint32(Math.min(at % used, sectionSize - 4) & ~3, value, true);
          const size = Math.max(1, Math.min(sectionSize, used + sizeDelta));
          const before = a.vsp.counts.framesSent;
          forwarded.length = 0;
          const answer = readNvspMessage(await raw(a, rndisPacketMessage(NvspChannelType.DATA, 0, size)), 'host');
          expect(answer.type).toBe(NvspMessageType.SEND_RNDIS_PACKET_COMPLETE);
          expect(a.vsp.counts.framesSent - before).toBeLessThanOrEqual(lengths.length);
          for (const [offset, length] of forwarded) expect(offset + length).toBeLessThanOrEqual(size);
        },
      ),
      { numRuns: 200, seed: 20261124 },
    );
    expect(a.bed.host.state).toBe('open');
    expect(a.bed.host.counters().subscriberErrors).toBe(0);
  });
});
