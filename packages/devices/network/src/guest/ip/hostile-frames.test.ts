import { hex } from '@tsvisor/wire/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addWords, internetChecksum } from './internet-checksum.js';
import { connectedStacks } from './test-fixtures/connected-stacks.js';

// Frames from 10.0.0.1 (…:0a) to 10.0.0.2 (…:0b), built here field by field and injected at b.
const TO_B = '02 00 00 00 00 0b  02 00 00 00 00 0a';

/** An IPv4 frame to b; `fix` edits the IPv4 header before its checksum is set, `after` the frame after. */
function ipv4Frame(
  transport: Uint8Array,
  options: { protocol?: number; options?: Uint8Array; fix?: (header: Uint8Array) => void; after?: (frame: Uint8Array) => void } = {},
): Uint8Array {
  const ipOptions = options.options ?? new Uint8Array(0);
  const headerLength = 20 + ipOptions.length;
  const header = new Uint8Array(headerLength);
  header.set(hex('45 00 00 00 00 07 00 00 40 11 00 00 0a 00 00 01 0a 00 00 02'));
  header[0] = 0x40 | (headerLength / 4);
  header.set(ipOptions, 20);
  const total = headerLength + transport.length;
  header[2] = total >>> 8;
  header[3] = total & 0xff;
  header[9] = options.protocol ?? 17;
  options.fix?.(header);
  const checksum = internetChecksum(header, 0, headerLength);
  header[10] = checksum >>> 8;
  header[11] = checksum & 0xff;
  const frame = new Uint8Array([...hex(`${TO_B} 08 00`), ...header, ...transport]);
  options.after?.(frame);
  return frame;
}

/** A UDP datagram 10.0.0.1:1234 → 10.0.0.2:9 carrying `payload`, with its checksum. */
function udp(payload: Uint8Array): Uint8Array {
  const length = 8 + payload.length;
  const datagram = new Uint8Array([0x04, 0xd2, 0x00, 0x09, length >>> 8, length & 0xff, 0, 0, ...payload]);
  const pseudo = new Uint8Array([10, 0, 0, 1, 10, 0, 0, 2, 0, 17, length >>> 8, length & 0xff]);
  const checksum = internetChecksum(datagram, 0, length, addWords(pseudo, 0, pseudo.length)) || 0xffff;
  datagram[6] = checksum >>> 8;
  datagram[7] = checksum & 0xff;
  return datagram;
}

/** An ICMP message of `type` with identifier 1, sequence 1 and `data`, with its checksum. */
function icmp(type: number, data: Uint8Array): Uint8Array {
  const message = new Uint8Array([type, 0, 0, 0, 0, 1, 0, 1, ...data]);
  const checksum = internetChecksum(message, 0, message.length);
  message[2] = checksum >>> 8;
  message[3] = checksum & 0xff;
  return message;
}

function arp(edit: (packet: Uint8Array) => void = () => undefined): Uint8Array {
  const frame = hex(`ff ff ff ff ff ff 02 00 00 00 00 0a 08 06  00 01 08 00 06 04 00 01  02 00 00 00 00 0a 0a 00 00 01  00 00 00 00 00 00 0a 00 00 02`);
  edit(frame.subarray(14));
  return frame;
}

function setup() {
  const stacks = connectedStacks();
  const socket = stacks.b.bind(9);
  const inject = (frame: Uint8Array): void => stacks.cable.inject(stacks.cable.b, frame);
  return { ...stacks, socket, inject };
}

describe('hostile frames', () => {
  it('delivers a well-formed datagram, as the baseline for the cases below', () => {
    const { b, socket, inject } = setup();
    inject(ipv4Frame(udp(hex('01 02 03'))));
    expect(socket.receive()?.payload).toEqual(hex('01 02 03'));
    expect(b.counters.udp.received).toBe(1);
  });

  it('drops and counts bad Ethernet frames', () => {
    const { b, inject } = setup();
    inject(hex('02 00 00 00 00 0b 02 00 00 00'));
    inject(hex(`${TO_B} 81 00 00`)); // a tag cut short
    inject(hex(`${TO_B} 86 dd 60 00 00 00`)); // IPv6
    inject(hex(`02 00 00 00 00 0c 02 00 00 00 00 0a 08 00`)); // another station's
    inject(hex(`01 00 5e 00 00 01 02 00 00 00 00 0a 08 00`)); // a multicast group we did not join
    expect(b.counters.ethernet.dropped).toEqual({ truncated: 2, unknownEtherType: 1, notForUs: 2 });
  });

  it('accepts an 802.1Q-tagged frame and ignores Ethernet padding', () => {
    const { socket, inject } = setup();
    const frame = ipv4Frame(udp(hex('aa')));
    const tagged = new Uint8Array([...frame.subarray(0, 12), 0x81, 0x00, 0x20, 0x05, ...frame.subarray(12), ...new Uint8Array(20)]);
    inject(tagged);
    expect(socket.receive()?.payload).toEqual(hex('aa'));
  });

  it('drops and counts bad ARP packets', () => {
    const { b, cable, inject } = setup();
    inject(arp().subarray(0, 30));
    inject(arp((packet) => (packet[4] = 8))); // hardware address length 8
    inject(arp((packet) => (packet[7] = 3))); // RARP request
    inject(arp((packet) => packet.fill(0xff, 8, 14))); // sender MAC broadcast
    inject(arp((packet) => packet.set([10, 0, 0, 2], 14))); // someone claims 10.0.0.2
    inject(arp((packet) => packet.set([10, 0, 0, 9], 24))); // asks for another host
    expect(b.counters.arp.dropped).toMatchObject({ truncated: 1, unsupported: 2, badSender: 1, addressConflict: 1, notForUs: 1 });
    expect(cable.b.sent).toHaveLength(1); // the announcement: no reply to any of them
  });

  it('drops and counts bad IPv4 headers', () => {
    const { b, inject } = setup();
    const datagram = udp(hex('00'));
    inject(ipv4Frame(datagram).subarray(0, 14 + 12));
    inject(ipv4Frame(datagram, { fix: (header) => (header[0] = 0x65) }));
    inject(ipv4Frame(datagram, { fix: (header) => (header[0] = 0x44) }));
    inject(ipv4Frame(datagram, { fix: (header) => (header[0] = 0x4f) })); // header longer than the packet
    inject(ipv4Frame(datagram, { fix: (header) => (header[3] = 0xff) })); // total longer than the frame
    inject(ipv4Frame(datagram, { fix: (header) => (header[3] = 19) })); // total shorter than the header
    inject(ipv4Frame(datagram, { after: (frame) => (frame[14 + 8] = 1) })); // TTL changed after the checksum
    inject(ipv4Frame(datagram, { fix: (header) => (header[6] = 0x20) })); // more fragments
    inject(ipv4Frame(datagram, { fix: (header) => (header[7] = 0x10) })); // a later fragment
    inject(ipv4Frame(datagram, { fix: (header) => (header[19] = 3) })); // 10.0.0.3
    inject(ipv4Frame(datagram, { fix: (header) => header.set([224, 0, 0, 1], 12) })); // from a multicast address
    inject(ipv4Frame(datagram, { protocol: 6 })); // TCP
    expect(b.counters.ipv4.dropped).toMatchObject({
      truncated: 3,
      badVersion: 1,
      badHeaderLength: 1,
      badLength: 1,
      badChecksum: 1,
      fragment: 2,
      notForUs: 1,
      badSource: 1,
      unknownProtocol: 1,
    });
    expect(b.counters.ipv4.received).toBe(12);
    expect(b.counters.udp.received).toBe(0);
  });

  it('skips IP options and takes the payload after them', () => {
    const { socket, inject } = setup();
    inject(ipv4Frame(udp(hex('42')), { options: hex('01 01 01 00') })); // NOP NOP NOP EOL
    expect(socket.receive()?.payload).toEqual(hex('42'));
  });

  it('drops and counts bad ICMP messages', () => {
    const { b, inject } = setup();
    inject(ipv4Frame(hex('08 00 f7 ff'), { protocol: 1 }));
    inject(ipv4Frame(icmp(8, hex('01')), { protocol: 1, after: (frame) => (frame[frame.length - 1] = 2) }));
    inject(ipv4Frame(icmp(13, new Uint8Array(12)), { protocol: 1 })); // timestamp request
    inject(ipv4Frame(icmp(0, hex('01')), { protocol: 1 })); // a reply nobody asked for
    expect(b.counters.icmp.dropped).toMatchObject({ truncated: 1, badChecksum: 1, unknownType: 1, unmatchedReply: 1 });
    expect(b.counters.icmp.sent).toBe(0);
  });

  it('answers an echo request injected by hand', () => {
    const { b, inject } = setup();
    inject(ipv4Frame(icmp(8, hex('01 02')), { protocol: 1 }));
    expect(b.counters.icmp.sent).toBe(1);
  });

  it('drops and counts bad UDP datagrams, and accepts a zero checksum', () => {
    const { b, socket, inject } = setup();
    inject(ipv4Frame(hex('04 d2 00 09')));
    const tooLong = udp(hex('01'));
    tooLong[5] = 100;
    inject(ipv4Frame(tooLong));
    const tooShort = udp(hex('01'));
    tooShort[5] = 4;
    inject(ipv4Frame(tooShort));
    const corrupted = udp(hex('01'));
    corrupted[8] = 2;
    inject(ipv4Frame(corrupted));
    const unchecked = udp(hex('05'));
    unchecked[6] = unchecked[7] = 0;
    inject(ipv4Frame(unchecked));
    expect(b.counters.udp.dropped).toMatchObject({ truncated: 1, badLength: 2, badChecksum: 1 });
    expect(socket.receive()?.payload).toEqual(hex('05'));
  });

  it('never throws on random bytes, and counts every frame', () => {
    const { b, inject } = setup();
    let frames = b.counters.ethernet.received;
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), (bytes) => {
        inject(bytes);
        frames++;
        expect(b.counters.ethernet.received).toBe(frames);
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws on valid frames with random bytes changed, and drops or accepts each', () => {
    const { b, inject } = setup();
    const templates = [ipv4Frame(udp(hex('01 02 03 04'))), ipv4Frame(icmp(8, hex('01 02')), { protocol: 1 }), arp()];
    fc.assert(
      fc.property(
        fc.constantFrom(...templates),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
        fc.nat(80),
        (template, changes, cut) => {
          const frame = template.slice(0, Math.max(template.length - cut, 0));
          for (const [index, value] of changes) if (frame.length > 0) frame[index % frame.length] = value;
          const dropped = totalDropped(b.counters);
          const accepted = b.counters.udp.received + b.counters.icmp.received + b.counters.arp.received;
          inject(frame);
          expect(totalDropped(b.counters) + b.counters.udp.received + b.counters.icmp.received + b.counters.arp.received).toBeGreaterThan(
            dropped + accepted,
          );
        },
      ),
      { numRuns: 2000 },
    );
  });
});

function totalDropped(counters: object): number {
  let total = 0;
  for (const layer of Object.values(counters) as { dropped: Record<string, number> }[]) {
    for (const count of Object.values(layer.dropped)) total += count;
  }
  return total;
}
