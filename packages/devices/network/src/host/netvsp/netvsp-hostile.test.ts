import fc from 'fast-check';
import { firstValueFrom } from 'rxjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { NVSP_SEND_SECTION_INDEX_NONE } from '../../protocol/nvsp-buffer.js';
import { NvspChannelType, NvspMessageType, NvspStatus } from '../../protocol/nvsp-message-type.js';
import { encodeNvspMessage, readNvspMessage } from '../../protocol/nvsp-message.js';
import { RndisMessageType } from '../../protocol/rndis-message-type.js';
import { encodeRndisMessage } from '../../protocol/rndis-message.js';
import { writeRndisPacketHeader } from '../../protocol/rndis-packet.js';
import { collectFrames, connectNic, testFrame, type TestNic } from '../../test-fixtures/nic-test-bed.js';
import { LocalSwitchDirectory } from '../switch-directory/local-switch-directory.js';

/** The test bed's pages for raw requests: right after the primary channel's rings (2 × 32 pages). */
const RAW_PFN = 64;
const PAGE = 4096;

let nics: TestNic[] = [];
afterEach(async () => {
  for (const n of nics) await n.bed.close();
  nics = [];
});

async function pair(): Promise<{ a: TestNic; b: TestNic }> {
  const directory = new LocalSwitchDirectory();
  directory.create({ name: 'lab', kind: 'private' });
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
    ['a second receive buffer', () => encodeNvspMessage({ type: NvspMessageType.SEND_RECEIVE_BUFFER, gpadlHandle: 1, id: 0xcafe }), new Uint8Array(PAGE), { type: NvspMessageType.SEND_RECEIVE_BUFFER_COMPLETE, status: NvspStatus.FAILURE }],
    ['a send buffer with another id', () => encodeNvspMessage({ type: NvspMessageType.SEND_SEND_BUFFER, gpadlHandle: 1, id: 5 }), new Uint8Array(PAGE), { type: NvspMessageType.SEND_SEND_BUFFER_COMPLETE, status: NvspStatus.FAILURE }],
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
