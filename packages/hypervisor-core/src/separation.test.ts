import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HvStatus, Hypervisor, type Partition } from './index.js';
import { ascii, GuestConsole, guestPath, reach } from './test-fixtures/guest-console.js';

describe('separation between partitions and the host', () => {
  let hypervisor: Hypervisor;
  beforeEach(() => {
    hypervisor = new Hypervisor();
  });
  afterEach(async () => {
    await hypervisor.shutdown();
  });

  function create(name: string, guest: string, heapMb?: number): Partition {
    return hypervisor.createPartition({
      name,
      memoryBytes: 256 * 1024,
      guest: { entry: guestPath(guest) },
      ...(heapMb ? { resourceLimits: { maxHeapMb: heapMb } } : {}),
    });
  }

  /** A partition that keeps ticking beside the one under test, proving it is unaffected. */
  async function bystander(): Promise<{ partition: Partition; ticksSince(): Promise<void> }> {
    const partition = create('bystander', 'ticker');
    const console = new GuestConsole(partition);
    await partition.start();
    await console.waitFor((t) => t === 'tick 3');
    return {
      partition,
      async ticksSince() {
        const seen = console.lines.length;
        await console.waitFor((t) => t === `tick ${seen + 5}`);
        expect(partition.state).toBe('running');
      },
    };
  }

  it("refuses a partition's hypercalls on another partition's connection ids and on ungranted ones", async () => {
    const a = create('a', 'connection-prober');
    const b = create('b', 'ticker');
    const aConsole = new GuestConsole(a);
    const bReceived: number[] = [];
    b.openMessagePort(40, (type) => bReceived.push(type));
    b.openEventPort(41, () => bReceived.push(-1));
    await a.start();
    await b.start();
    await aConsole.waitFor((t) => t === 'ready');
    for (const probe of ['m 40', 's 41', 'm 777', 's 778']) a.synic.postMessage(0, 2, 1, ascii(probe));
    await aConsole.waitFor((t) => t.startsWith('s 778'));
    const statuses = aConsole.lines.filter((l) => l.type === 2).map((l) => l.text);
    expect(statuses).toEqual([
      `m 40 ${HvStatus.InvalidConnectionId}`,
      `s 41 ${HvStatus.InvalidConnectionId}`,
      `m 777 ${HvStatus.InvalidConnectionId}`,
      `s 778 ${HvStatus.InvalidConnectionId}`,
    ]);
    expect(bReceived).toEqual([]);
    const counters = a.counters();
    expect(counters.messagesRefused).toBe(2);
    expect(counters.signalsRefused).toBe(2);
  });

  it('delivers hypercalls on granted connection ids, and refuses them again once the port is closed', async () => {
    const a = create('a', 'connection-prober');
    const console = new GuestConsole(a);
    const received: string[] = [];
    const messages = a.openMessagePort(40, (type) => received.push(`message ${type}`));
    const events = a.openEventPort(41, () => received.push('event'));
    await a.start();
    await console.waitFor((t) => t === 'ready');
    a.synic.postMessage(0, 2, 1, ascii('m 40'));
    a.synic.postMessage(0, 2, 1, ascii('s 41'));
    await console.waitFor((t) => t.startsWith('s 41'));
    await expect.poll(() => received).toEqual(['message 5', 'event']);
    messages.close();
    events.close();
    a.synic.postMessage(0, 2, 1, ascii('m 40'));
    a.synic.postMessage(0, 2, 1, ascii('s 41'));
    await console.waitFor((t) => t === `s 41 ${HvStatus.InvalidConnectionId}`);
    expect(console.lines.map((l) => l.text)).toContain(`m 40 ${HvStatus.InvalidConnectionId}`);
    expect(received).toEqual(['message 5', 'event']);
  });

  it("gives guest code no host object, no other partition's memory and no way to evaluate host code", async () => {
    const other = create('other', 'ticker');
    other.memory.write(0x1000, ascii('secret of the other partition'));
    const probe = create('probe', 'realm-probe');
    const console = new GuestConsole(probe);
    await probe.start();
    const done = await console.waitFor((t) => t.startsWith('done'));
    expect(console.lines.filter((l) => l.type === 2).map((l) => l.text)).toEqual([]);
    expect(done).toBe('done 0');
    await reach(probe, 'off');
    expect(probe.reason).toBe('guest halted (exit code 0)');
    // The probe's five malformed hypercalls were refused and counted, not thrown.
    expect(probe.counters().vps[0]!.badHypercalls).toBe(5);
  });

  it.each([
    ['throws', 'thrower', /guest gave up on purpose/],
    ['calls process.exit', 'process-exit', /process is not defined/],
    ['imports node:fs at run time', 'import-fs-dynamic', /import\(\) is not available to guest code/],
    ['allocates without bound', 'heap-hog', /out of memory/],
  ])('contains a guest that %s: its partition faults, the one beside it runs on', async (_what, guest, reason) => {
    const beside = await bystander();
    const bad = create('bad', guest, 16);
    const faulted = reach(bad, 'faulted', 20_000);
    await bad.start().catch(() => undefined);
    await faulted;
    expect(bad.reason).toMatch(reason);
    await beside.ticksSince();
    // The faulted partition can be stopped and booted again.
    await bad.stop();
    expect(bad.state).toBe('off');
  });

  it('refuses a guest image that imports a Node built-in', async () => {
    const bad = create('bad', 'import-fs-static');
    await expect(bad.start()).rejects.toThrow(/cannot import the host module 'node:fs'/);
    expect(bad.state).toBe('faulted');
  });

  it('stops a guest spinning in a tight loop, and the partition beside it runs on', async () => {
    const beside = await bystander();
    const spinner = create('spinner', 'spinner');
    const console = new GuestConsole(spinner);
    await spinner.start();
    await console.waitFor((t) => t === 'spinning');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const counters = spinner.counters();
    expect(counters.vps[0]!.activeMs).toBeGreaterThan(0);
    await spinner.stop();
    expect(spinner.state).toBe('off');
    await beside.ticksSince();
  });
});
