import fc from 'fast-check';
import { ProtocolError } from '@tsvisor/wire';
import { describe, expect, it } from 'vitest';
import { PacketType } from '../protocol/packet-descriptor.js';
import { RingControlOffset } from '../protocol/ring-control.js';
import { RingMemory } from './ring-memory.js';
import { RingReader, type RingPacket } from './ring-reader.js';
import { RingWriter } from './ring-writer.js';

const PAGE = 4096;

/** A ring of `dataPages` data pages inside a buffer with a guard page on each side. */
function makeRing(dataPages = 1) {
  const buffer = new SharedArrayBuffer((dataPages + 3) * PAGE);
  const guard = new Uint8Array(buffer);
  guard.fill(0xee, 0, PAGE);
  guard.fill(0xee, (dataPages + 2) * PAGE);
  const memory = new RingMemory(buffer, PAGE, (dataPages + 1) * PAGE);
  let readerSignals = 0;
  let writerSignals = 0;
  const writer = new RingWriter(memory, () => readerSignals++);
  const reader = new RingReader(memory, () => writerSignals++);
  const guardsIntact = (): boolean =>
    guard.subarray(0, PAGE).every((b) => b === 0xee) && guard.subarray((dataPages + 2) * PAGE).every((b) => b === 0xee);
  return { memory, writer, reader, guardsIntact, signals: () => ({ reader: readerSignals, writer: writerSignals }) };
}

const packet = (): RingPacket => ({ bytes: new Uint8Array(0), start: 0, type: 0, flags: 0, transactionIdLow: 0, transactionIdHigh: 0, dataOffset: 0, length: 0 });
const bytes = (length: number, seed: number): Uint8Array => Uint8Array.from({ length }, (_, i) => (i * 31 + seed) & 0xff);

describe('RingMemory', () => {
  it('refuses ring pages that are unaligned, too few, or outside their buffer', () => {
    const buffer = new SharedArrayBuffer(4 * PAGE);
    for (const [offset, length] of [
      [100, 2 * PAGE],
      [0, 2 * PAGE + 8],
      [0, PAGE],
      [3 * PAGE, 2 * PAGE],
    ] as const) {
      expect(() => new RingMemory(buffer, offset, length)).toThrow(RangeError);
    }
    expect(new RingMemory(buffer, PAGE, 3 * PAGE).size).toBe(2 * PAGE);
  });
});

describe('RingWriter and RingReader', () => {
  it('carries packets across the end of the data area, byte for byte', () => {
    const { writer, reader, guardsIntact } = makeRing(1);
    const target = new Uint8Array(PAGE);
    const p = packet();
    for (let i = 0; i < 200; i++) {
      const payload = bytes(1 + ((i * 97) % 700), i);
      const header = i % 3 === 0 ? bytes(8, 100 + i) : undefined;
      expect(writer.tryAppend(PacketType.DATA_INBAND, i & 1, i, 0, header, payload)).toBe(true);
      writer.commit();
      expect(reader.next(p, target)).toBe(true);
      expect(p).toMatchObject({ type: PacketType.DATA_INBAND, flags: i & 1, transactionIdLow: i, transactionIdHigh: 0, dataOffset: 16 + (header ? 8 : 0) });
      if (header) expect([...p.bytes.subarray(p.start + 16, p.start + 24)]).toEqual([...header]);
      expect([...p.bytes.subarray(p.start + p.dataOffset, p.start + p.dataOffset + payload.length)]).toEqual([...payload]);
      reader.commit();
    }
    expect(reader.next(p, target)).toBe(false);
    expect(guardsIntact()).toBe(true);
  });

  it('fills to exactly size − 8 bytes, refuses one byte more, and frees it all when read', () => {
    const { writer, reader } = makeRing(1);
    expect(writer.freeBytes()).toBe(PAGE - 8);
    expect(RingWriter.packetSize(0, PAGE - 32)).toBe(PAGE - 8);
    expect(writer.tryAppend(PacketType.DATA_INBAND, 0, 1, 0, undefined, new Uint8Array(PAGE - 32))).toBe(true);
    expect(writer.freeBytes()).toBe(0);
    expect(writer.tryAppend(PacketType.DATA_INBAND, 0, 2, 0, undefined, new Uint8Array(1))).toBe(false);
    writer.commit();
    const p = packet();
    expect(reader.next(p, new Uint8Array(PAGE))).toBe(true);
    expect(p.length).toBe(PAGE - 16);
    reader.commit();
    expect(writer.freeBytes()).toBe(PAGE - 8);
  });

  it('signals the reader only when the ring goes from empty to non-empty, once per batch', () => {
    const { writer, reader, signals } = makeRing(2);
    writer.tryAppend(PacketType.DATA_INBAND, 0, 1, 0, undefined, bytes(10, 1));
    writer.tryAppend(PacketType.DATA_INBAND, 0, 2, 0, undefined, bytes(10, 2));
    expect(signals().reader).toBe(0);
    expect(writer.commit()).toBe(true);
    writer.tryAppend(PacketType.DATA_INBAND, 0, 3, 0, undefined, bytes(10, 3));
    expect(writer.commit()).toBe(false);
    const p = packet();
    const target = new Uint8Array(2 * PAGE);
    while (reader.next(p, target));
    reader.commit(true); // the reader goes idle
    writer.tryAppend(PacketType.DATA_INBAND, 0, 4, 0, undefined, bytes(10, 4));
    expect(writer.commit()).toBe(true);
    expect(signals().reader).toBe(2);
  });

  it('publishes the read index lazily: after an eighth of the ring, when the writer asks for room, or when forced', () => {
    const { memory, writer, reader } = makeRing(4);
    const size = 4 * PAGE;
    const p = packet();
    const scratch = new Uint8Array(size);
    for (let i = 0; i < 3; i++) writer.tryAppend(PacketType.DATA_INBAND, 0, i, 0, undefined, bytes(40, i));
    writer.commit();
    reader.next(p, scratch);
    reader.commit();
    expect(memory.load(RingControlOffset.READ_INDEX)).toBe(0);
    reader.commit(true);
    expect(memory.load(RingControlOffset.READ_INDEX)).toBe(64);
    while (writer.tryAppend(PacketType.DATA_INBAND, 0, 9, 0, undefined, bytes(1000, 9)));
    writer.commit();
    reader.next(p, scratch);
    reader.commit();
    expect(memory.load(RingControlOffset.READ_INDEX)).toBe(128); // the writer asked for room
    let read = 128;
    memory.store(RingControlOffset.PENDING_SEND_SIZE, 0);
    while (reader.next(p, scratch)) {
      read += p.length + 8;
      reader.commit();
      if (memory.load(RingControlOffset.READ_INDEX) === read) break;
    }
    expect(read - 128).toBeGreaterThanOrEqual(size / 8);
  });

  it('skips the signal while the reader drains, and the unmask-then-recheck finds the packet', () => {
    const { writer, reader, signals } = makeRing(1);
    reader.beginDrain();
    writer.tryAppend(PacketType.DATA_INBAND, 0, 1, 0, undefined, bytes(40, 1));
    expect(writer.commit()).toBe(false);
    expect(signals().reader).toBe(0);
    // The race: the writer saw the mask and stayed silent; the reader must not sleep on it.
    expect(reader.endDrain()).toBe(true);
    expect(reader.next(packet(), new Uint8Array(PAGE))).toBe(true);
    reader.commit();
    expect(reader.endDrain()).toBe(false);
  });

  it('wakes a writer that found the ring full once free space crosses max(needed, size / 4), and only then', () => {
    const { memory, writer, reader, signals } = makeRing(4);
    const size = 4 * PAGE;
    const chunk = new Uint8Array(1000);
    let written = 0;
    while (writer.tryAppend(PacketType.DATA_INBAND, 0, written, 0, undefined, chunk)) written++;
    writer.commit();
    expect(memory.load(RingControlOffset.PENDING_SEND_SIZE)).toBe(size / 4);
    const p = packet();
    const target = new Uint8Array(size);
    let reads = 0;
    while (signals().writer === 0) {
      expect(reader.next(p, target)).toBe(true);
      reads++;
      reader.commit();
      if (signals().writer === 0) expect(writer.freeBytes()).toBeLessThanOrEqual(size / 4);
    }
    expect(writer.freeBytes()).toBeGreaterThan(size / 4);
    expect(reads).toBeGreaterThan(1);
    // Further reads do not signal again: free space no longer crosses the threshold.
    reader.next(p, target);
    reader.commit();
    expect(signals().writer).toBe(1);
    expect(writer.tryAppend(PacketType.DATA_INBAND, 0, 0, 0, undefined, chunk)).toBe(true);
    expect(memory.load(RingControlOffset.PENDING_SEND_SIZE)).toBe(0);
  });

  it('hands out packets in place unless they wrap, then as a copy in the scratch buffer', () => {
    const { memory, writer, reader } = makeRing(1);
    const scratch = new Uint8Array(PAGE);
    const p = packet();
    writer.tryAppend(PacketType.DATA_INBAND, 0, 7, 9, undefined, bytes(3000, 1));
    writer.commit();
    expect(reader.next(p, scratch)).toBe(true);
    expect(p.bytes).toBe(memory.data);
    expect([p.transactionIdLow, p.transactionIdHigh]).toEqual([7, 9]);
    reader.commit();
    writer.tryAppend(PacketType.DATA_INBAND, 0, 8, 0, undefined, bytes(2000, 2));
    writer.commit();
    expect(reader.next(p, scratch)).toBe(true);
    expect(p.bytes).toBe(scratch);
    expect(p.start).toBe(0);
    expect([...p.bytes.subarray(p.dataOffset, p.dataOffset + 2000)]).toEqual([...bytes(2000, 2)]);
  });

  it('keeps a request for room standing while a smaller check succeeds (no lost wake-up)', () => {
    const { memory, writer, reader, signals } = makeRing(4);
    const size = 4 * PAGE;
    while (writer.tryAppend(PacketType.DATA_INBAND, 0, 1, 0, undefined, new Uint8Array(1000)));
    writer.commit();
    expect(writer.hasRoomFor(5000)).toBe(false);
    const p = packet();
    const scratch = new Uint8Array(size);
    reader.next(p, scratch);
    reader.commit();
    // Room for a small completion, not for the 5000 bytes still wanted: the request stays.
    expect(writer.hasRoomFor(100)).toBe(true);
    expect(memory.load(RingControlOffset.PENDING_SEND_SIZE)).toBe(5000);
    while (signals().writer === 0 && reader.next(p, scratch)) reader.commit();
    expect(signals().writer).toBe(1);
    expect(writer.hasRoomFor(5000)).toBe(true);
    expect(memory.load(RingControlOffset.PENDING_SEND_SIZE)).toBe(0);
  });

  it('keeps reserved bytes free for completions', () => {
    const { writer } = makeRing(1);
    const free = writer.freeBytes();
    const payload = new Uint8Array(free - 24 - 64);
    expect(writer.tryAppend(PacketType.DATA_INBAND, 0, 1, 0, undefined, payload, 0, payload.length, 72)).toBe(false);
    expect(writer.tryAppend(PacketType.DATA_INBAND, 0, 1, 0, undefined, payload, 0, payload.length, 64)).toBe(true);
  });

  it.each([
    ['an unaligned write index', (m: RingMemory) => m.store(RingControlOffset.WRITE_INDEX, 12), 'RingControl.writeIndex'],
    ['a write index beyond the ring', (m: RingMemory) => m.store(RingControlOffset.WRITE_INDEX, 1 << 20), 'RingControl.writeIndex'],
    ['an unknown packet type', (m: RingMemory) => m.data[0] = 0x55, 'PacketDescriptor.type'],
    ['a flag other than completion-requested', (m: RingMemory) => m.data[6] = 2, 'PacketDescriptor.flags'],
    ['a length8 beyond the bytes written', (m: RingMemory) => m.data[4] = 200, 'PacketDescriptor.length8'],
    ['a length8 shorter than the descriptor', (m: RingMemory) => m.data[4] = 1, 'PacketDescriptor.length8'],
    ['an offset8 inside the descriptor', (m: RingMemory) => m.data[2] = 1, 'PacketDescriptor.dataOffset8'],
    ['an offset8 past the packet', (m: RingMemory) => m.data[2] = 60, 'PacketDescriptor.dataOffset8'],
  ])('rejects %s with a ProtocolError and does not move past it', (_what, scribble, path) => {
    const { memory, writer, reader, guardsIntact } = makeRing(1);
    writer.tryAppend(PacketType.DATA_INBAND, 0, 1, 0, undefined, bytes(64, 1));
    writer.commit();
    scribble(memory);
    const p = packet();
    const target = new Uint8Array(PAGE);
    for (let attempt = 0; attempt < 2; attempt++) {
      const error = (() => {
        try {
          reader.next(p, target);
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(ProtocolError);
      expect((error as ProtocolError).path).toBe(path);
    }
    expect(memory.load(RingControlOffset.READ_INDEX)).toBe(0);
    expect(guardsIntact()).toBe(true);
  });

  it('survives any ring contents and control words: only ProtocolError, nothing outside the ring touched', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: PAGE, maxLength: PAGE }),
        fc.array(fc.nat({ max: 2 * PAGE }), { minLength: 4, maxLength: 4 }),
        (contents, [write, read, mask, pending]) => {
          const { memory, guardsIntact } = makeRing(1);
          memory.data.set(contents);
          memory.store(RingControlOffset.READ_INDEX, read! & ~7);
          memory.store(RingControlOffset.WRITE_INDEX, write!);
          memory.store(RingControlOffset.INTERRUPT_MASK, mask!);
          memory.store(RingControlOffset.PENDING_SEND_SIZE, pending!);
          const target = new Uint8Array(PAGE);
          const p = packet();
          try {
            const reader = new RingReader(memory, () => undefined);
            for (let i = 0; i < 600 && reader.next(p, target); i++) {
              expect(p.dataOffset).toBeLessThanOrEqual(p.length);
              reader.commit();
            }
            const writer = new RingWriter(memory, () => undefined);
            writer.tryAppend(PacketType.DATA_INBAND, 0, 1, 0, undefined, contents.subarray(0, write! % 600));
            writer.commit();
          } catch (error) {
            if (!(error instanceof ProtocolError)) throw error;
          }
          expect(guardsIntact()).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});
