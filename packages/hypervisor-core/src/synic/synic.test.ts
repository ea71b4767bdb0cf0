import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HvStatus, Hypervisor, MAX_PENDING_MESSAGES, SynicMessageHeader, SYNIC_MESSAGE_FLAG_PENDING, type Partition } from '../index.js';
import { ascii, GuestConsole, guestPath } from '../test-fixtures/guest-console.js';

describe('SynIC messages, events and hypercalls', () => {
  let hypervisor: Hypervisor;
  beforeEach(() => {
    hypervisor = new Hypervisor();
  });
  afterEach(async () => {
    await hypervisor.shutdown();
  });

  function create(guest: string, vpCount = 1): Partition {
    return hypervisor.createPartition({ name: guest, memoryBytes: 256 * 1024, vpCount, guest: { entry: guestPath(guest) } });
  }

  it('carries messages both ways and lets the guest halt with an exit code', async () => {
    const partition = create('echo');
    const console = new GuestConsole(partition);
    await partition.start();
    await console.waitFor((t) => t === 'hello from vp0');
    expect(partition.synic.postMessage(0, 2, 10, ascii('ping'))).toBe(HvStatus.Success);
    expect(await console.waitFor((t) => t.startsWith('echo:'))).toBe('echo:ping');
    partition.synic.postMessage(0, 2, 99, ascii('bye'));
    await expect.poll(() => partition.state).toBe('off');
    expect(partition.reason).toBe('guest halted (exit code 7)');
  });

  it('queues messages behind a busy slot, flags them pending, and delivers them in order after EOM', async () => {
    const partition = create('echo');
    // Fill the slot before the guest runs: every later message must wait for its EOM.
    for (let i = 0; i < 20; i++) expect(partition.synic.postMessage(0, 2, 10 + i, ascii(`m${i}`))).toBe(HvStatus.Success);
    const slot = partition.synic.vpPages(0).simpGpa + 2 * 256;
    expect(partition.memory.read(slot + SynicMessageHeader.flags, 1)[0]! & SYNIC_MESSAGE_FLAG_PENDING).toBe(SYNIC_MESSAGE_FLAG_PENDING);
    const console = new GuestConsole(partition);
    await partition.start();
    await console.waitFor((t) => t === 'echo:m19');
    expect(console.lines.filter((l) => l.text.startsWith('echo:')).map((l) => l.text)).toEqual(
      Array.from({ length: 20 }, (_, i) => `echo:m${i}`),
    );
    expect(partition.counters().messagesDelivered).toBe(20);
  });

  it('refuses host messages beyond the bounded queue of a busy slot, and bad arguments', () => {
    const partition = create('echo');
    expect(partition.synic.postMessage(0, 2, 1, ascii('first'))).toBe(HvStatus.Success);
    for (let i = 0; i < MAX_PENDING_MESSAGES; i++) expect(partition.synic.postMessage(0, 2, 1, ascii('queued'))).toBe(HvStatus.Success);
    expect(partition.synic.postMessage(0, 2, 1, ascii('one too many'))).toBe(HvStatus.InsufficientBuffers);
    expect(partition.counters().messagesDropped).toBe(1);
    expect(partition.synic.postMessage(1, 2, 1, ascii('x'))).toBe(HvStatus.InvalidVpIndex);
    expect(partition.synic.postMessage(0, 16, 1, ascii('x'))).toBe(HvStatus.InvalidParameter);
    expect(partition.synic.postMessage(0, 2, 0, ascii('x'))).toBe(HvStatus.InvalidParameter);
    expect(partition.synic.postMessage(0, 2, 1, new Uint8Array(241))).toBe(HvStatus.InvalidParameter);
    expect(partition.synic.signalEvent(0, 2, 2048)).toBe(HvStatus.InvalidParameter);
  });

  it('sets event flags in the SIEFP and raises the SINT', () => {
    const partition = create('echo');
    expect(partition.synic.signalEvent(0, 2, 37)).toBe(HvStatus.Success);
    const pages = partition.synic.vpPages(0);
    const flags = new Uint32Array(partition.memory.buffer, pages.siefpGpa + 2 * 256, 64);
    expect(flags[1]).toBe(1 << 5);
    expect(new Uint32Array(partition.memory.buffer, pages.vpAssistGpa, 1)[0]).toBe(1 << 2);
  });

  it('wakes a VP only when it announced that it waits: the raise that finds the flag clears it', () => {
    const partition = create('echo');
    const assist = new Int32Array(partition.memory.buffer, partition.synic.vpPages(0).vpAssistGpa, 2);
    // Running (no announcement): the bit is set, the flag stays clear.
    partition.synic.signalEvent(0, 2, 1);
    expect(assist[1]).toBe(0);
    // Waiting: the first raise takes the flag (and notifies); the next finds it clear again.
    assist[0] = 0;
    assist[1] = 1;
    partition.synic.signalEvent(0, 2, 1);
    expect([assist[0], assist[1]]).toEqual([1 << 2, 0]);
    partition.synic.postMessage(0, 3, 5, ascii('x'));
    expect([assist[0], assist[1]]).toEqual([(1 << 2) | (1 << 3), 0]);
  });

  it('runs one guest entry per VP, each with its own SynIC pages', async () => {
    const partition = create('echo', 3);
    const console = new GuestConsole(partition);
    await partition.start();
    for (const vp of [0, 1, 2]) await console.waitFor((t) => t === `hello from vp${vp}`);
    expect(new Set(console.lines.map((l) => l.vp))).toEqual(new Set([0, 1, 2]));
    const pages = [0, 1, 2].map((vp) => partition.synic.vpPages(vp).simpGpa);
    expect(new Set(pages).size).toBe(3);
    expect(Math.min(...pages)).toBeGreaterThanOrEqual(partition.memory.reservedFirstPfn * 4096);
  });

  it('blocks VPs at their next hypercall while paused and lets them go on resume', async () => {
    const partition = create('ticker');
    const console = new GuestConsole(partition);
    await partition.start();
    await console.waitFor((t) => t === 'tick 5');
    partition.pause();
    // A line posted just before the pause may still be on its way: wait until the console is quiet.
    let atPause = -1;
    for (let i = 0; i < 100 && atPause !== console.lines.length; i++) {
      atPause = console.lines.length;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(console.lines.length).toBe(atPause);
    partition.resume();
    await console.waitFor((t) => t === `tick ${atPause + 5}`);
  });

  it('counts what each VP sends and how busy it is', async () => {
    const partition = create('ticker');
    const console = new GuestConsole(partition);
    await partition.start();
    await console.waitFor((t) => t === 'tick 20');
    const counters = partition.counters();
    expect(counters.memoryBytes).toBe(256 * 1024);
    expect(counters.messagesSent).toBeGreaterThanOrEqual(20);
    expect(counters.vps[0]).toMatchObject({ index: 0, running: true, messagesRefused: 0, badHypercalls: 0 });
    expect(counters.vps[0]!.elapsedMs).toBeGreaterThan(0);
    expect(counters.vps[0]!.activeMs).toBeLessThanOrEqual(counters.vps[0]!.elapsedMs);
  });

  it('reports an exception of a host port handler without closing the port', async () => {
    const partition = create('ticker');
    const errors: unknown[] = [];
    partition.handlerErrors$.subscribe(({ error }) => errors.push(error));
    let calls = 0;
    partition.openMessagePort(1, () => {
      calls++;
      throw new Error('host bug');
    });
    await partition.start();
    await expect.poll(() => calls).toBeGreaterThan(3);
    expect(errors.length).toBe(calls);
    expect(partition.state).toBe('running');
  });
});
