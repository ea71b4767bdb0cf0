import { GuestMemory, PAGE_SIZE } from '@tsvisor/hypervisor-core';
import { ProtocolError } from '@tsvisor/wire';
import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { PacketType } from '../protocol/packet-descriptor.js';
import { RingControlOffset } from '../protocol/ring-control.js';
import { createChannelPair } from '../testing/channel-pair.js';
import { ChannelClosedError } from './channel-closed-error.js';
import { GpaRangeList } from './gpa-range-list.js';
import { ChannelStatus } from './channel-status.js';
import type { CompletionReceiver } from './completion.js';
import type { IncomingPacket } from './incoming-packet.js';
import { PollPolicy } from './poll-policy.js';

const bytes = (length: number, seed: number): Uint8Array => Uint8Array.from({ length }, (_, i) => (i * 13 + seed) & 0xff);
const u32 = (value: number): Uint8Array => new Uint8Array(new Uint32Array([value, 0]).buffer);
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 2000 && !condition(); i++) await turn();
  if (!condition()) throw new Error(`timed out waiting for ${what}`);
}

describe('Channel', () => {
  it('delivers packets in order both ways, batching a turn of sends behind one signal', async () => {
    const { host, guest } = createChannelPair();
    const received: number[] = [];
    host.packets$.subscribe((p) => received.push(new DataView(p.bytes.buffer, p.bytes.byteOffset + p.payloadOffset).getUint32(0, true)));
    for (let i = 0; i < 100; i++) expect(guest.trySend({ payload: u32(i) })).toBe(true);
    await until(() => received.length === 100, '100 packets');
    expect(received).toEqual([...Array(100).keys()]);
    expect(guest.counters().signalsSent).toBe(1);
    const back: number[] = [];
    guest.packets$.subscribe((p) => back.push(p.payload()[0]!));
    await host.send({ payload: bytes(24, 5) });
    await until(() => back.length === 1, 'the reply');
    expect(back).toEqual([5]);
  });

  it('numbers its passes over the ring: packets taken in one share a batch, the next pass has another', async () => {
    const { host, guest } = createChannelPair();
    const batches: number[] = [];
    host.packets$.subscribe((p) => batches.push(p.batch));
    for (let i = 0; i < 3; i++) guest.trySend({ payload: u32(i) });
    await until(() => batches.length === 3, 'the first three packets');
    guest.trySend({ payload: u32(3) });
    await until(() => batches.length === 4, 'the fourth packet');
    expect(batches[1]).toBe(batches[0]);
    expect(batches[2]).toBe(batches[0]);
    expect(batches[3]).not.toBe(batches[0]);
  });

  it('keeps data packets in the ring until packets$ has a subscriber, while completions still flow', async () => {
    const { host, guest } = createChannelPair();
    guest.trySend({ payload: u32(1) });
    guest.trySend({ payload: u32(2) });
    await turn();
    await turn();
    host.interrupt();
    expect(host.counters().packetsReceived).toBe(0);
    const got: number[] = [];
    host.packets$.subscribe((p) => {
      got.push(p.payload()[0]!);
      if (p.completionRequested) host.complete(p, p.payload());
    });
    await until(() => got.length === 2, 'the two packets');
    expect(got).toEqual([1, 2]);
    // The guest never subscribes to packets$, yet its request completes.
    expect((await firstValueFrom(guest.request({ payload: u32(3) }))).payload[0]).toBe(3);
  });

  it('correlates completions with requests by transaction id, in any order', async () => {
    const { host, guest } = createChannelPair();
    const taken: { transactionIdLow: number; transactionIdHigh: number; value: number }[] = [];
    host.packets$.subscribe((p) => {
      expect(p.completionRequested).toBe(true);
      taken.push({ transactionIdLow: p.transactionIdLow, transactionIdHigh: p.transactionIdHigh, value: p.payload()[0]! });
    });
    const answers = [1, 2, 3].map((n) => firstValueFrom(guest.request({ payload: bytes(8, n) })));
    await until(() => taken.length === 3, 'three requests');
    expect(host.owed).toBe(3);
    for (const t of [...taken].reverse()) expect(host.complete(t, bytes(8, t.value * 10))).toBe(true);
    const completions = await Promise.all(answers);
    expect(completions.map((c) => c.payload[0])).toEqual([10, 20, 30]);
    expect(new Set(completions.map((c) => c.transactionId)).size).toBe(3);
    expect(host.owed).toBe(0);
    expect(guest.pendingRequests).toBe(0);
  });

  it('cancels a request on unsubscribe and drops its late completion as stray', async () => {
    const { host, guest } = createChannelPair();
    let held: { transactionIdLow: number; transactionIdHigh: number } | undefined;
    host.packets$.subscribe((p) => (held = { transactionIdLow: p.transactionIdLow, transactionIdHigh: p.transactionIdHigh }));
    const subscription = guest.request({ payload: bytes(8, 1) }).subscribe(() => expect.fail('a cancelled request must not emit'));
    await until(() => held !== undefined, 'the request');
    subscription.unsubscribe();
    expect(guest.pendingRequests).toBe(0);
    host.complete(held!, bytes(8, 2));
    await until(() => guest.counters().strayCompletions === 1, 'the stray completion');
  });

  it('calls a CompletionReceiver with the completion in place, one receiver reused for many requests', async () => {
    const { host, guest } = createChannelPair();
    host.packets$.subscribe((p) => host.complete(p, bytes(16, p.payload()[0]! + 1)));
    const answers: number[][] = [];
    const packets = new Set<IncomingPacket>();
    const receiver: CompletionReceiver = {
      completed: (packet) => {
        packets.add(packet);
        answers.push([packet.transactionIdLow, packet.payloadLength, packet.bytes[packet.payloadOffset]!]);
      },
      abandoned: () => expect.fail('the channel stays open'),
    };
    const ids = [10, 20, 30].map((n) => guest.sendRequest({ payload: bytes(8, n) }, receiver));
    expect(guest.pendingRequests).toBe(3);
    await until(() => answers.length === 3, 'three completions');
    expect(answers).toEqual(ids.map((id, i) => [id, 16, (i + 1) * 10 + 1]));
    // The channel lends its one reused packet object: nothing is allocated per completion.
    expect(packets.size).toBe(1);
    expect(guest.pendingRequests).toBe(0);
  });

  it('queues sendRequest behind a full ring, forgets a request on forgetRequest and abandons the rest on close', async () => {
    const { host, guest } = createChannelPair({ ringPages: 2 });
    const held: { transactionIdLow: number; transactionIdHigh: number }[] = [];
    const abandoned: ChannelClosedError[] = [];
    const completed: number[] = [];
    const receiver: CompletionReceiver = { completed: (p) => completed.push(p.transactionIdLow), abandoned: (error) => abandoned.push(error) };
    // Packets as small as the requests fill the ring: neither request fits.
    while (guest.trySend({ payload: bytes(8, 1) }));
    const queued = guest.sendRequest({ payload: bytes(8, 1) }, receiver);
    const forgotten = guest.sendRequest({ payload: bytes(8, 2) }, receiver);
    expect(guest.forgetRequest(forgotten, receiver)).toBe(true);
    expect(guest.forgetRequest(forgotten, receiver)).toBe(false);
    host.packets$.subscribe((p) => {
      if (p.completionRequested) held.push({ transactionIdLow: p.transactionIdLow, transactionIdHigh: p.transactionIdHigh });
    });
    // Only the queued request reaches the host once the ring drains: the forgotten one left the queue.
    await until(() => held.length === 1, 'the queued request');
    expect(held[0]!.transactionIdLow).toBe(queued);
    const another = guest.sendRequest({ payload: bytes(8, 3) }, receiver);
    await until(() => held.length === 2, 'the second request');
    host.complete(held[0]!, bytes(8, 0));
    await until(() => completed.length === 1, 'the first completion');
    expect(completed).toEqual([queued]);
    guest.close();
    expect(abandoned).toHaveLength(1);
    expect(abandoned[0]).toBeInstanceOf(ChannelClosedError);
    expect(guest.forgetRequest(another, receiver)).toBe(false);
    expect(() => guest.sendRequest({ payload: bytes(8, 4) }, receiver)).toThrow(ChannelClosedError);
  });

  it('refuses sendRequest beyond maxPendingRequests with a RangeError and keeps the channel open', () => {
    const { guest } = createChannelPair({ guest: { maxPendingRequests: 2 } });
    const receiver: CompletionReceiver = { completed: () => undefined, abandoned: () => undefined };
    guest.sendRequest({ payload: bytes(8, 1) }, receiver);
    guest.sendRequest({ payload: bytes(8, 2) }, receiver);
    expect(() => guest.sendRequest({ payload: bytes(8, 3) }, receiver)).toThrow(RangeError);
    expect(guest.pendingRequests).toBe(2);
    expect(guest.state).toBe(ChannelStatus.Open);
  });

  it.each([
    { maxPacketsPerTurn: 2, order: ['take 0', 'take 1', 'complete 0', 'complete 1', 'take 2', 'take 3', 'complete 2', 'complete 3', 'take 4', 'take 5', 'complete 4', 'complete 5'] },
    { maxPacketsPerTurn: 1024, order: ['take 0', 'take 1', 'take 2', 'take 3', 'take 4', 'take 5', 'complete 0', 'complete 1', 'complete 2', 'complete 3', 'complete 4', 'complete 5'] },
  ])('takes $maxPacketsPerTurn packets a turn: completions made in microtasks go out between turns', async ({ maxPacketsPerTurn, order }) => {
    const { host, guest } = createChannelPair({ host: { maxPacketsPerTurn } });
    const events: string[] = [];
    host.packets$.subscribe((p) => {
      const n = p.payload()[0]!;
      const target = { transactionIdLow: p.transactionIdLow, transactionIdHigh: p.transactionIdHigh };
      events.push(`take ${n}`);
      void Promise.resolve().then(() => {
        events.push(`complete ${n}`);
        host.complete(target, u32(n));
      });
    });
    const receiver: CompletionReceiver = { completed: () => undefined, abandoned: () => undefined };
    for (let n = 0; n < 6; n++) guest.sendRequest({ payload: u32(n) }, receiver);
    await until(() => guest.pendingRequests === 0, 'six completions');
    expect(events).toEqual(order);
  });

  it('never completes transaction id 0 and owes nothing for it', async () => {
    const { host, guest } = createChannelPair();
    const seen: IncomingPacket[] = [];
    host.packets$.subscribe((p) => {
      seen.push(p);
      expect(p.transactionId).toBe(0);
      expect(host.complete(p, bytes(8, 1))).toBe(false);
    });
    guest.trySend({ payload: bytes(8, 1) });
    await until(() => seen.length === 1, 'the packet');
    expect(host.owed).toBe(0);
    expect(host.counters().completionsSent).toBe(0);
  });

  it('makes send wait for room and resolves the waiting sends in order once the peer reads', async () => {
    const { host, guest } = createChannelPair({ ringPages: 2 });
    const payload = bytes(1000, 1);
    let accepted = 0;
    while (guest.trySend({ payload })) accepted++;
    const order: number[] = [];
    const waiting = [0, 1, 2].map((i) => guest.send({ payload: bytes(1000, 100 + i) }).then(() => order.push(i)));
    await turn();
    expect(order).toEqual([]);
    const got: number[] = [];
    host.packets$.subscribe((p) => got.push(p.payload()[0]!));
    await Promise.all(waiting);
    expect(order).toEqual([0, 1, 2]);
    await until(() => got.length === accepted + 3, 'every packet');
    expect(got.slice(accepted)).toEqual([100, 101, 102]);
  });

  it('reserves room for completions before taking requests, so completing never waits', async () => {
    // The guest floods requests and never reads what the host writes back.
    const { host, guest, downstream } = createChannelPair({ ringPages: 2, host: { maxCompletionSize: 64 } });
    guest.interrupt = () => undefined;
    const targets: { transactionIdLow: number; transactionIdHigh: number }[] = [];
    host.packets$.subscribe((p) => targets.push({ transactionIdLow: p.transactionIdLow, transactionIdHigh: p.transactionIdHigh }));
    const subscriptions = Array.from({ length: 200 }, (_, i) => guest.request({ payload: bytes(8, i) }).subscribe());
    await until(() => host.counters().completionStalls > 0, 'the host to stop taking requests');
    const taken = targets.length;
    expect(taken).toBeLessThan(200);
    // Every request taken can be completed at once, into the reserved room.
    for (const t of targets) expect(host.complete(t, bytes(64, 1))).toBe(true);
    host.flush();
    const completionSize = 16 + 64 + 8;
    expect(taken * completionSize).toBeLessThanOrEqual(downstream.size - 8);
    expect((taken + 1) * completionSize).toBeGreaterThan(downstream.size - 8);
    await turn();
    expect(targets.length).toBe(taken);
    for (const s of subscriptions) s.unsubscribe();
  });

  it('gives the host zero-copy views of the pages named by a GPA-direct packet', async () => {
    const memory = new GuestMemory(64 * PAGE_SIZE, 4);
    const { host, guest } = createChannelPair({ memory });
    memory.write(40 * PAGE_SIZE + 100, bytes(5000, 7)); // pages 40, 41, then page 50
    const views: Uint8Array[][] = [];
    host.packets$.subscribe((p) => {
      expect(p.type).toBe(PacketType.DATA_USING_GPA_DIRECT);
      const ranges = p.gpaRanges();
      expect(ranges.totalBytes).toBe(9000);
      views.push(ranges.segments(memory, 0));
    });
    guest.trySend({ payload: bytes(16, 1), gpaRanges: [{ byteOffset: 100, byteCount: 9000, pfns: [40, 41, 50] }] });
    await until(() => views.length === 1, 'the packet');
    const [first, second] = views[0]!;
    expect(first!.length).toBe(2 * PAGE_SIZE - 100);
    expect(second!.length).toBe(9000 - first!.length);
    expect([...first!.subarray(0, 5000)]).toEqual([...bytes(5000, 7)]);
    second!.fill(0xab);
    expect(memory.read(50 * PAGE_SIZE, 1)[0]).toBe(0xab);
  });

  it('sends each GPA-direct header at its own length, as the shapes of the packets change', async () => {
    const memory = new GuestMemory(64 * PAGE_SIZE, 4);
    const { host, guest } = createChannelPair({ memory });
    const sent = [
      [{ byteOffset: 0, byteCount: 100, pfns: [3] }],
      [{ byteOffset: 8, byteCount: 3 * PAGE_SIZE, pfns: [4, 5, 9, 10] }],
      [{ byteOffset: 16, byteCount: 200, pfns: [6] }],
      [{ byteOffset: 16, byteCount: 300, pfns: [7] }],
      [
        { byteOffset: 0, byteCount: 100, pfns: [11] },
        { byteOffset: 24, byteCount: PAGE_SIZE, pfns: [12, 13] },
      ],
      [{ byteOffset: 32, byteCount: 400, pfns: [14] }],
    ];
    const received: { byteOffset: number; byteCount: number; pfns: number[] }[][] = [];
    const payloads: number[][] = [];
    host.packets$.subscribe((p) => {
      received.push(p.gpaRanges().ranges.map((r) => ({ byteOffset: r.byteOffset, byteCount: r.byteCount, pfns: [...r.pfns] })));
      payloads.push([...p.payload()]);
    });
    sent.forEach((gpaRanges, i) => guest.trySend({ payload: bytes(8, i), gpaRanges }));
    await until(() => received.length === sent.length, 'every packet');
    expect(received).toEqual(sent);
    expect(payloads).toEqual(sent.map((_, i) => [...bytes(8, i)]));
  });

  it('maps one range on consecutive RAM pages with contiguousGpaView, and leaves every other case to gpaRanges', async () => {
    const memory = new GuestMemory(64 * PAGE_SIZE, 4);
    const { host, guest } = createChannelPair({ memory });
    memory.write(40 * PAGE_SIZE + 100, bytes(5000, 7));
    const seen: (Uint8Array | undefined)[] = [];
    host.packets$.subscribe((p) => seen.push(p.contiguousGpaView(memory, 5000)));
    const cases = [
      [{ byteOffset: 100, byteCount: 6000, pfns: [40, 41] }], // one range, consecutive: mapped
      [{ byteOffset: 100, byteCount: 6000, pfns: [40, 50] }], // scattered pages
      [{ byteOffset: 100, byteCount: 4000, pfns: [40, 41] }], // shorter than asked
      [{ byteOffset: 100, byteCount: 6000, pfns: [61, 62] }], // a hypervisor-reserved page
      [{ byteOffset: 100, byteCount: 6000, pfns: [63, 64] }], // past guest memory
      [{ byteOffset: 100, byteCount: 5000, pfns: [40, 41] }, { byteOffset: 0, byteCount: 8, pfns: [42] }], // two ranges
    ];
    for (const gpaRanges of cases) guest.trySend({ payload: bytes(8, 1), gpaRanges });
    guest.trySend({ payload: bytes(8, 1) }); // not GPA-direct at all
    await until(() => seen.length === cases.length + 1, 'every packet');
    const view = seen[0]!;
    expect(view.byteOffset).toBe(40 * PAGE_SIZE + 100);
    expect(view.length).toBe(5000);
    expect([...view]).toEqual([...bytes(5000, 7)]);
    expect(seen.slice(1)).toEqual(Array.from({ length: cases.length }, () => undefined));
  });

  it('contiguousGpaView never maps a malformed header, whatever its bytes', () => {
    const memory = new GuestMemory(64 * PAGE_SIZE, 4);
    // A well-formed header of one range over pages 40-41, then every single-byte corruption of it.
    const header = new Uint8Array(8 + 8 + 16);
    const view = new DataView(header.buffer);
    view.setUint32(4, 1, true);
    view.setUint32(8, 6000, true);
    view.setUint32(12, 100, true);
    view.setUint32(16, 40, true);
    view.setUint32(24, 41, true);
    expect(GpaRangeList.mapContiguous(header, 0, header.length, memory, 6000)?.length).toBe(6000);
    for (let at = 0; at < header.length; at++) {
      for (const value of [0, 1, 0x7f, 0xff]) {
        const mutated = header.slice();
        mutated[at] = value;
        const mapped = GpaRangeList.mapContiguous(mutated, 0, mutated.length, memory, 6000);
        if (mapped === undefined) continue;
        // Whatever maps lies on guest RAM, inside memory, and is what decode and segments agree on.
        const ranges = GpaRangeList.decode(mutated, 0, mutated.length);
        const segments = ranges.segments(memory, 0);
        expect(segments).toHaveLength(1);
        expect(mapped.byteOffset).toBe(segments[0]!.byteOffset);
        expect(mapped.byteOffset + mapped.length).toBeLessThanOrEqual(memory.buffer.byteLength);
      }
    }
    // Truncated: nothing.
    expect(GpaRangeList.mapContiguous(header, 0, header.length - 8, memory, 6000)).toBeUndefined();
  });

  it.each([
    ['a PFN beyond guest memory', [40, 1000]],
    ['a PFN in the hypervisor-reserved pages', [40, 62]],
  ])('refuses to map %s, mapping nothing', async (_what, pfns) => {
    const memory = new GuestMemory(64 * PAGE_SIZE, 4);
    const { host, guest } = createChannelPair({ memory });
    const errors: unknown[] = [];
    host.packets$.subscribe((p) => {
      try {
        p.gpaRanges().segments(memory, 0);
      } catch (error) {
        errors.push(error);
      }
    });
    guest.trySend({ payload: bytes(8, 1), gpaRanges: [{ byteOffset: 0, byteCount: 2 * PAGE_SIZE, pfns }] });
    await until(() => errors.length === 1, 'the refusal');
    expect(errors[0]).toBeInstanceOf(ProtocolError);
    expect((errors[0] as ProtocolError).path).toBe('GpaRange[0].pfn[1]');
    expect(host.state).toBe(ChannelStatus.Open);
  });

  it('rejects GPA-direct headers that do not add up, naming the field', async () => {
    const { host, guest, upstream } = createChannelPair();
    const errors: ProtocolError[] = [];
    host.packets$.subscribe((p) => {
      try {
        p.gpaRanges();
      } catch (error) {
        errors.push(error as ProtocolError);
      }
    });
    guest.trySend({ payload: bytes(8, 1), gpaRanges: [{ byteOffset: 0, byteCount: 100, pfns: [3] }] });
    // Scribble the range count (descriptor 16 bytes + reserved u32) before the host reads it.
    upstream.view.setUint32(20, 9, true);
    await until(() => errors.length === 1, 'the error');
    expect(errors[0]!.path).toBe('GpaRange[1]');
  });

  it('carries transfer-page packets into a page set the receiver registered', async () => {
    const { host, guest } = createChannelPair();
    const receiveBuffer = bytes(8192, 3);
    guest.registerTransferPageSet(1, receiveBuffer);
    const frames: number[][] = [];
    const refusals: string[] = [];
    guest.packets$.subscribe((p) => {
      try {
        const list = p.transferPages();
        frames.push(list.ranges.map((_, i) => list.view(i)[0]!));
      } catch (error) {
        refusals.push((error as ProtocolError).path ?? '');
      }
      guest.complete(p);
    });
    const completion = firstValueFrom(host.request({ payload: bytes(8, 0), transferPages: { pagesetId: 1, ranges: [{ byteOffset: 0, byteCount: 100 }, { byteOffset: 4096, byteCount: 1500 }] } }));
    await completion;
    expect(frames).toEqual([[receiveBuffer[0], receiveBuffer[4096]]]);
    host.trySend({ payload: bytes(8, 0), transferPages: { pagesetId: 1, ranges: [{ byteOffset: 8000, byteCount: 1500 }] } });
    host.trySend({ payload: bytes(8, 0), transferPages: { pagesetId: 2, ranges: [{ byteOffset: 0, byteCount: 1 }] } });
    await until(() => refusals.length === 2, 'two refusals');
    expect(refusals).toEqual(['TransferPageRange[0]', 'TransferPageHeader.pagesetId']);
    expect(frames.length).toBe(1);
  });

  it('faults only the channel whose ring the guest scribbled; a sibling channel keeps working', async () => {
    const memory = new GuestMemory(128 * PAGE_SIZE, 4);
    const bad = createChannelPair({ memory });
    const good = createChannelPair({ memory, firstPfn: 64 });
    const failure = lastValueFrom(bad.host.packets$.pipe(toArray())).catch((error: unknown) => error);
    bad.upstream.store(RingControlOffset.WRITE_INDEX, 12);
    bad.host.interrupt();
    const error = await failure;
    expect(error).toBeInstanceOf(ProtocolError);
    expect(bad.host.state).toBe(ChannelStatus.Faulted);
    const echoed = firstValueFrom(good.guest.request({ payload: bytes(8, 9) }));
    good.host.packets$.subscribe((p) => good.host.complete(p, p.payload()));
    expect((await echoed).payload[0]).toBe(9);
  });

  it('faults the channel, with a typed error to the sender, when the peer breaks the read index of the ring it is sent', async () => {
    const { host, guest, downstream } = createChannelPair();
    host.trySend({ payload: bytes(8, 1) });
    downstream.store(RingControlOffset.READ_INDEX, 13);
    let thrown: unknown;
    // The writer trusts its lower bound of free space until it runs out, then looks.
    for (let i = 0; i < 2000 && thrown === undefined; i++) {
      try {
        host.trySend({ payload: bytes(64, 1) });
      } catch (error) {
        thrown = error;
      }
    }
    expect(thrown).toBeInstanceOf(ChannelClosedError);
    expect((thrown as ChannelClosedError).cause).toBeInstanceOf(ProtocolError);
    expect(host.state).toBe(ChannelStatus.Faulted);
    await expect(firstValueFrom(host.request({ payload: bytes(8, 1) }))).rejects.toBeInstanceOf(ChannelClosedError);
    expect(guest.state).toBe(ChannelStatus.Open);
  });

  it('fails pending requests and waiting sends when it closes, and completes packets$', async () => {
    const { host, guest } = createChannelPair({ ringPages: 2 });
    const done = lastValueFrom(guest.packets$.pipe(toArray()));
    const answer = firstValueFrom(guest.request({ payload: bytes(8, 1) }));
    while (guest.trySend({ payload: bytes(1000, 1) }));
    const waiting = guest.send({ payload: bytes(1000, 1) });
    guest.close();
    await expect(answer).rejects.toBeInstanceOf(ChannelClosedError);
    await expect(waiting).rejects.toBeInstanceOf(ChannelClosedError);
    expect(await done).toEqual([]);
    expect(() => guest.trySend({ payload: bytes(8, 1) })).toThrow(ChannelClosedError);
    expect(host.state).toBe(ChannelStatus.Open);
  });

  it('falls back to interrupts in poll mode when spinning finds nothing (peer in the same thread)', async () => {
    const { host, guest } = createChannelPair({ host: { poll: new PollPolicy() }, guest: { poll: new PollPolicy() } });
    host.packets$.subscribe((p) => host.complete(p, p.payload()));
    for (let i = 0; i < 50; i++) expect((await firstValueFrom(guest.request({ payload: bytes(8, i) }))).payload[0]).toBe(i & 0xff);
    expect(guest.counters().pollMisses).toBeGreaterThan(0);
  });

  it('publishes the completions of one pass together in poll mode, and one made later at once', async () => {
    const pair = createChannelPair({ host: { poll: new PollPolicy() } });
    const { host, guest, downstream } = pair;
    const published = (): number => downstream.loadIndex(RingControlOffset.WRITE_INDEX, 'writeIndex');
    const seenInPass: number[] = [];
    let later: (() => void) | undefined;
    host.packets$.subscribe((p) => {
      const target = { transactionIdLow: p.transactionIdLow, transactionIdHigh: p.transactionIdHigh };
      if (p.payload()[0] === 0xff) {
        later = () => host.complete(target, bytes(8, 4));
        return;
      }
      host.complete(target, p.payload().slice());
      seenInPass.push(published());
    });
    const before = published();
    const replies = [1, 2, 3].map((i) => firstValueFrom(guest.request({ payload: bytes(8, i) })));
    expect((await Promise.all(replies)).map((r) => r.payload[0])).toEqual([1, 2, 3].map((i) => bytes(8, i)[0]));
    // Taken in one pass: none was visible to the guest before the pass ended.
    expect(seenInPass).toEqual([before, before, before]);
    const last = firstValueFrom(guest.request({ payload: new Uint8Array(8).fill(0xff) }));
    await until(() => later !== undefined, 'the fourth request');
    const after = published();
    later!();
    // Made outside a pass: published by complete() itself.
    expect(published()).toBeGreaterThan(after);
    expect((await last).payload[0]).toBe(bytes(8, 4)[0]);
  });

  it('does not spin in poll mode while it owes completions, since the code that makes them needs its thread', async () => {
    const { host, guest } = createChannelPair({ host: { poll: new PollPolicy() } });
    let answer: (() => void) | undefined;
    host.packets$.subscribe((p) => {
      const target = { transactionIdLow: p.transactionIdLow, transactionIdHigh: p.transactionIdHigh };
      const payload = p.payload().slice();
      answer = () => host.complete(target, payload);
    });
    const reply = firstValueFrom(guest.request({ payload: bytes(8, 7) }));
    await until(() => answer !== undefined, 'the request');
    for (let i = 0; i < 5; i++) await turn();
    expect(host.counters()).toMatchObject({ pollHits: 0, pollMisses: 0 });
    answer!();
    expect((await reply).payload[0]).toBe(bytes(8, 7)[0]);
    // Once it answered, it spins for the peer's next request (which does not come here).
    await until(() => host.counters().pollMisses === 1, 'a spin after the answer');
  });

  it('keeps its spin budget when answers take longer than a spin, and grows it when they come by interrupt', async () => {
    const policy = new PollPolicy(256, 4096);
    const { host, guest } = createChannelPair({ guest: { poll: policy } });
    // The host answers on a later turn: never during the guest's spin (one thread).
    host.packets$.subscribe((p) => {
      const target = { transactionIdLow: p.transactionIdLow, transactionIdHigh: p.transactionIdHigh };
      const payload = p.payload().slice();
      setImmediate(() => host.complete(target, payload));
    });
    // Each answer's handler sends the next request at once, as a busy guest does.
    const budgets: number[] = [];
    await new Promise<void>((done, fail) => {
      const send = (i: number): void => {
        guest.request({ payload: bytes(8, i) }).subscribe({
          next: () => {
            budgets.push(policy.spins);
            if (i < 3) send(i + 1);
            else done();
          },
          error: fail,
        });
      };
      send(1);
    });
    expect(budgets).toEqual([512, 1024, 2048]);
    expect(policy.misses).toBe(3);
    expect(policy.hits).toBe(0);
  });
});
