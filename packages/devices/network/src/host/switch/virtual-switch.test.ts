import type { MacAddress } from '../../protocol/mac-address.js';
import { DeviceConfigError } from '@tsvisor/device-sdk';
import { describe, expect, it } from 'vitest';
import type { SwitchClock } from './switch-clock.js';
import { droppedFrames } from './switch-port-counters.js';
import type { SwitchPortOptions } from './switch-port-options.js';
import { SwitchStateError } from './switch-state-error.js';
import { ethernetFrame, RecordingReceiver, tagged, vlanOf } from './test-fixtures/ethernet-frames.js';
import { VirtualSwitch } from './virtual-switch.js';
import type { VirtualSwitchOptions } from './virtual-switch-options.js';

const BROADCAST = 0xffff_ffff_ffff as MacAddress;
const A = 0x00155d000001 as MacAddress;
const B = 0x00155d000002 as MacAddress;
const C = 0x00155d000003 as MacAddress;

/** A clock the test moves by hand. */
class ManualClock implements SwitchClock {
  time = 1_700_000_000_000;
  now(): number {
    return this.time;
  }
}

function makeSwitch(options: Partial<VirtualSwitchOptions> = {}) {
  const clock = new ManualClock();
  const vswitch = new VirtualSwitch({ name: 'test', kind: 'private', clock, ...options });
  const attach = (options: Partial<SwitchPortOptions> = {}) => {
    const receiver = new RecordingReceiver();
    const port = vswitch.connect({ receiver, ...options });
    return { port, receiver };
  };
  return { vswitch, clock, attach };
}

function send(port: { send(f: Uint8Array, o: number, l: number): boolean }, frame: Uint8Array): boolean {
  return port.send(frame, 0, frame.length);
}

describe('VirtualSwitch forwarding', () => {
  it('floods a frame to an unknown destination to every other port, then unicasts once the destination is learned', () => {
    const { vswitch, attach } = makeSwitch();
    const a = attach();
    const b = attach();
    const c = attach();
    expect(send(a.port, ethernetFrame(B, A))).toBe(true);
    vswitch.pump();
    expect(b.receiver.frames).toHaveLength(1);
    expect(c.receiver.frames).toHaveLength(1);
    expect(a.receiver.frames).toHaveLength(0);
    expect(vswitch.counters.unknownUnicast).toBe(1);

    send(b.port, ethernetFrame(A, B));
    vswitch.pump();
    expect(a.receiver.frames).toHaveLength(1);
    expect(c.receiver.frames).toHaveLength(1); // A was learned: not flooded
    send(a.port, ethernetFrame(B, A));
    vswitch.pump();
    expect(b.receiver.frames).toHaveLength(2);
    expect(c.receiver.frames).toHaveLength(1);
    expect(vswitch.counters.unicast).toBe(2);
    expect(vswitch.macTableCounters.entries).toBe(2);
  });

  it('floods broadcast and multicast to every port but the source', () => {
    const { vswitch, attach } = makeSwitch();
    const ports = [attach(), attach(), attach(), attach()];
    send(ports[0]!.port, ethernetFrame(BROADCAST, A));
    send(ports[1]!.port, ethernetFrame(0x01005e000001, B)); // IPv4 multicast group
    vswitch.pump();
    expect(ports.map((p) => p.receiver.frames.length)).toEqual([1, 1, 2, 2]);
    expect(vswitch.counters.flooded).toBe(2);
    expect(vswitch.counters.unknownUnicast).toBe(0);
  });

  it('delivers the frame bytes unchanged and forwards queued frames by itself', async () => {
    const { vswitch, attach } = makeSwitch();
    const a = attach();
    const b = attach();
    const frame = ethernetFrame(BROADCAST, A, 0x88b5, 100, 7);
    const big = new Uint8Array(200);
    big.set(frame, 50);
    expect(a.port.send(big, 50, frame.length)).toBe(true);
    big.fill(0); // the switch copied the frame on send
    await Promise.resolve();
    expect(b.receiver.frames).toEqual([frame]);
    expect(vswitch.counters.pumps).toBe(1);
  });

  it('ages out learned addresses after the aging time and floods again', () => {
    const { vswitch, clock, attach } = makeSwitch({ macAgingTimeMs: 10_000 });
    const a = attach();
    const b = attach();
    const c = attach();
    send(a.port, ethernetFrame(BROADCAST, A));
    vswitch.pump();
    clock.time += 9_999;
    send(b.port, ethernetFrame(A, B));
    vswitch.pump();
    expect(c.receiver.frames).toHaveLength(1); // only the broadcast
    clock.time += 1;
    send(b.port, ethernetFrame(A, B));
    vswitch.pump();
    expect(c.receiver.frames).toHaveLength(2); // A aged out: flooded
    expect(vswitch.macTableCounters.agedOut).toBe(1);
    expect(vswitch.counters.unknownUnicast).toBe(1);
  });

  it('refreshes an entry each time its address is seen', () => {
    const { vswitch, clock, attach } = makeSwitch({ macAgingTimeMs: 10_000 });
    const a = attach();
    const b = attach();
    const c = attach();
    for (let i = 0; i < 5; i++) {
      send(a.port, ethernetFrame(BROADCAST, A));
      vswitch.pump();
      clock.time += 6_000;
    }
    send(b.port, ethernetFrame(A, B));
    vswitch.pump();
    expect(c.receiver.frames).toHaveLength(5);
    expect(a.receiver.frames).toHaveLength(1);
  });

  it('drops a frame whose destination was learned on its own port', () => {
    const { vswitch, attach } = makeSwitch();
    const a = attach();
    const b = attach();
    send(a.port, ethernetFrame(BROADCAST, A));
    send(a.port, ethernetFrame(A, C));
    vswitch.pump();
    expect(b.receiver.frames).toHaveLength(1);
    expect(a.port.counters.droppedFiltered).toBe(1);
  });

  it('forgets a disconnected port: its addresses leave the MAC table and its frames are flooded again', () => {
    const { vswitch, attach } = makeSwitch();
    const a = attach();
    const b = attach();
    const c = attach();
    send(a.port, ethernetFrame(BROADCAST, A));
    vswitch.pump();
    expect(vswitch.macTableCounters.entries).toBe(1);
    send(a.port, ethernetFrame(BROADCAST, A));
    a.port.disconnect();
    expect(a.port.counters.droppedOnDisconnect).toBe(1);
    expect(vswitch.macTableCounters).toMatchObject({ entries: 0, flushed: 1 });
    expect(a.port.send(ethernetFrame(B, A), 0, 64)).toBe(false);
    send(b.port, ethernetFrame(A, B));
    vswitch.pump();
    expect(c.receiver.frames).toHaveLength(2);
    expect(vswitch.connectedPorts).toEqual([b.port, c.port]);
  });

  it('survives a receiver that disconnects the sending port, or sends a reply, while a frame is delivered', () => {
    const { vswitch, attach } = makeSwitch();
    const a = attach();
    const reply = ethernetFrame(A, B);
    const echo = vswitch.connect({
      receiver: {
        receiveFrame: (frame, offset) => {
          if (frame[offset + 20] === 0x11) echo.send(reply, 0, reply.length);
          else a.port.disconnect();
          return true;
        },
      },
    });
    send(a.port, ethernetFrame(BROADCAST, A, 0x88b5, 64, 0x11));
    vswitch.pump();
    expect(a.receiver.frames).toEqual([reply]);
    send(a.port, ethernetFrame(BROADCAST, A));
    send(a.port, ethernetFrame(BROADCAST, A));
    send(echo, ethernetFrame(BROADCAST, C));
    vswitch.pump();
    expect(a.port.isConnected).toBe(false);
    expect(a.port.counters).toMatchObject({ framesIn: 3, framesForwarded: 2, droppedOnDisconnect: 1 });
    expect(a.port.queued).toBe(0);
    expect(vswitch.pump()).toBe(0);
  });

  it('counts a receiver that refuses or throws against its port and goes on with the others', () => {
    const { vswitch, attach } = makeSwitch();
    const a = attach();
    const refusing = vswitch.connect({ receiver: new RecordingReceiver(false) });
    const throwing = vswitch.connect({
      receiver: {
        receiveFrame() {
          throw new Error('receive buffer gone');
        },
      },
    });
    const d = attach();
    send(a.port, ethernetFrame(BROADCAST, A));
    vswitch.pump();
    expect(refusing.counters.egressRefused).toBe(1);
    expect(throwing.counters.egressRefused).toBe(1);
    expect(d.receiver.frames).toHaveLength(1);
    expect(d.port.counters).toMatchObject({ framesOut: 1, bytesOut: 64 });
    expect(vswitch.counters.deliveries).toBe(1);
  });
});

describe('VirtualSwitch frame checks', () => {
  it('drops runts, oversize frames, bad ranges and group source addresses, counting each', () => {
    const { vswitch, attach } = makeSwitch();
    const a = attach();
    const b = attach();
    const ok = ethernetFrame(BROADCAST, A);
    expect(a.port.send(ok, 0, 13)).toBe(false);
    expect(a.port.send(ok, 60, 14)).toBe(false);
    expect(a.port.send(ok, -1, 20)).toBe(false);
    expect(send(a.port, tagged(ethernetFrame(BROADCAST, A), 1).subarray(0, 17))).toBe(false);
    expect(send(a.port, ethernetFrame(BROADCAST, A, 0x0800, 1515))).toBe(false);
    expect(send(a.port, ethernetFrame(BROADCAST, A, 0x0800, 1514))).toBe(true);
    expect(send(a.port, ethernetFrame(BROADCAST, 0x01005e000001))).toBe(false);
    vswitch.pump();
    expect(a.port.counters).toMatchObject({ droppedRunt: 4, droppedOversize: 1, droppedMalformed: 1, framesIn: 7, framesForwarded: 1 });
    expect(b.receiver.frames.map((f) => f.length)).toEqual([1514]);
    expect(vswitch.macTableCounters.entries).toBe(1);
  });

  it('accepts tagged frames up to the largest frame size, tag included', () => {
    const { vswitch, attach } = makeSwitch();
    const trunk = attach({ vlan: { mode: 'trunk', allowedVlans: [5] } });
    const access = attach({ vlan: { mode: 'access', vlanId: 5 } });
    expect(send(trunk.port, tagged(ethernetFrame(BROADCAST, A, 0x0800, 1514), 5))).toBe(true);
    expect(send(trunk.port, tagged(ethernetFrame(BROADCAST, A, 0x0800, 1515), 5))).toBe(false);
    vswitch.pump();
    expect(access.receiver.frames.map((f) => f.length)).toEqual([1514]);
    expect(trunk.port.counters.droppedOversize).toBe(1);
  });

  it('drops frames from a bound port whose source is not its MAC, and never learns them', () => {
    const { vswitch, attach } = makeSwitch();
    const a = attach({ macAddress: A });
    const b = attach();
    const c = attach({ macAddress: C, macAddressSpoofing: true });
    expect(send(a.port, ethernetFrame(BROADCAST, B))).toBe(false);
    expect(send(a.port, ethernetFrame(BROADCAST, A))).toBe(true);
    expect(send(c.port, ethernetFrame(BROADCAST, 0x00155d0000ff))).toBe(true);
    vswitch.pump();
    expect(a.port.counters.droppedSpoofed).toBe(1);
    expect(b.receiver.frames).toHaveLength(2);
    expect(vswitch.macTableCounters.learned).toBe(2);
    // B was never learned on A's port: a frame to B is flooded, A's port among others.
    send(c.port, ethernetFrame(B, C));
    vswitch.pump();
    expect(a.receiver.frames).toHaveLength(2);
  });

  it('rejects bad port and switch options with the field named', () => {
    const { vswitch } = makeSwitch();
    const receiver = new RecordingReceiver();
    expect(() => vswitch.connect({ receiver, macAddress: 0x01005e000001 as MacAddress })).toThrow(DeviceConfigError);
    expect(() => vswitch.connect({ receiver, vlan: { mode: 'access', vlanId: 4095 } })).toThrow(
      expect.objectContaining({ field: 'vlan.vlanId' }),
    );
    expect(() => vswitch.connect({ receiver, vlan: { mode: 'trunk', allowedVlans: [2, 0] } })).toThrow(
      expect.objectContaining({ field: 'vlan.allowedVlans[1]' }),
    );
    expect(() => new VirtualSwitch({ name: 'x', kind: 'private', queueDepth: 0 })).toThrow(expect.objectContaining({ field: 'queueDepth' }));
    expect(vswitch.connectedPorts).toHaveLength(0);
  });
});

describe('VirtualSwitch 802.1Q VLANs', () => {
  it('keeps access ports of different VLANs apart', () => {
    const { vswitch, attach } = makeSwitch();
    const a10 = attach({ vlan: { mode: 'access', vlanId: 10 } });
    const b10 = attach({ vlan: { mode: 'access', vlanId: 10 } });
    const c20 = attach({ vlan: { mode: 'access', vlanId: 20 } });
    send(a10.port, ethernetFrame(BROADCAST, A));
    send(c20.port, ethernetFrame(BROADCAST, C));
    vswitch.pump();
    expect(b10.receiver.frames).toHaveLength(1);
    expect(c20.receiver.frames).toHaveLength(0);
    expect(a10.receiver.frames).toHaveLength(0);
  });

  it('tags frames from an access port for a trunk and untags the trunk frames for the access port', () => {
    const { vswitch, attach } = makeSwitch();
    const access = attach({ vlan: { mode: 'access', vlanId: 10 } });
    const trunk = attach({ vlan: { mode: 'trunk', allowedVlans: [10, 20] } });
    const other = attach({ vlan: { mode: 'access', vlanId: 20 } });
    const frame = ethernetFrame(BROADCAST, A, 0x0800, 80, 3);
    send(access.port, frame);
    vswitch.pump();
    expect(trunk.receiver.frames).toEqual([tagged(frame, 10)]);

    const reply = ethernetFrame(A, B, 0x0800, 70, 4);
    send(trunk.port, tagged(reply, 10, 5));
    vswitch.pump();
    expect(access.receiver.frames).toEqual([reply]);
    expect(other.receiver.frames).toHaveLength(0);
    expect(access.port.counters.bytesOut).toBe(70);
    expect(trunk.port.counters.bytesOut).toBe(84);
  });

  it('keeps the priority bits of a tagged frame from trunk to trunk', () => {
    const { vswitch, attach } = makeSwitch();
    const t1 = attach({ vlan: { mode: 'trunk', allowedVlans: [7] } });
    const t2 = attach({ vlan: { mode: 'trunk', allowedVlans: [7] } });
    const frame = tagged(ethernetFrame(BROADCAST, A), 7, 6);
    send(t1.port, frame);
    vswitch.pump();
    expect(t2.receiver.frames).toEqual([frame]);
  });

  it('carries the native VLAN untagged on a trunk', () => {
    const { vswitch, attach } = makeSwitch();
    const trunk = attach({ vlan: { mode: 'trunk', allowedVlans: [10], nativeVlan: 1 } });
    const access1 = attach();
    const access10 = attach({ vlan: { mode: 'access', vlanId: 10 } });
    const frame = ethernetFrame(BROADCAST, A);
    send(access1.port, frame);
    send(trunk.port, ethernetFrame(BROADCAST, B));
    send(access10.port, ethernetFrame(BROADCAST, C));
    vswitch.pump();
    expect(trunk.receiver.frames.map(vlanOf)).toEqual([undefined, 10]);
    expect(trunk.receiver.frames[0]).toEqual(frame);
    expect(access1.receiver.frames).toHaveLength(1);
    expect(access10.receiver.frames).toHaveLength(0);
  });

  it('drops frames on VLANs a port does not carry, tagged frames on access ports, and untagged ones on a trunk without native VLAN', () => {
    const { vswitch, attach } = makeSwitch();
    const trunk = attach({ vlan: { mode: 'trunk', allowedVlans: [10] } });
    const access = attach({ vlan: { mode: 'access', vlanId: 10 } });
    expect(send(trunk.port, tagged(ethernetFrame(BROADCAST, A), 11))).toBe(false);
    expect(send(trunk.port, ethernetFrame(BROADCAST, A))).toBe(false);
    expect(send(trunk.port, tagged(ethernetFrame(BROADCAST, A), 0))).toBe(false); // priority tag: untagged
    expect(send(access.port, tagged(ethernetFrame(BROADCAST, B), 10))).toBe(false);
    expect(send(access.port, tagged(ethernetFrame(BROADCAST, B), 0, 3))).toBe(true); // priority tag on access: fine
    vswitch.pump();
    expect(trunk.port.counters.droppedVlan).toBe(3);
    expect(access.port.counters.droppedVlan).toBe(1);
    expect(trunk.receiver.frames.map(vlanOf)).toEqual([10]);
  });

  it('learns addresses per VLAN: the same MAC on two VLANs is two stations', () => {
    const { vswitch, attach } = makeSwitch();
    const trunk = attach({ vlan: { mode: 'trunk', allowedVlans: [10, 20] } });
    const p10 = attach({ vlan: { mode: 'access', vlanId: 10 } });
    const p20 = attach({ vlan: { mode: 'access', vlanId: 20 } });
    send(p10.port, ethernetFrame(BROADCAST, A));
    send(p20.port, ethernetFrame(BROADCAST, A));
    vswitch.pump();
    expect(vswitch.macTableCounters).toMatchObject({ entries: 2, moves: 0 });
    send(trunk.port, tagged(ethernetFrame(A, B), 20));
    vswitch.pump();
    expect(p20.receiver.frames).toHaveLength(1);
    expect(p10.receiver.frames).toHaveLength(0);
  });
});

describe('VirtualSwitch limits', () => {
  it('refuses to learn beyond the MAC table size, and floods to the addresses it could not learn', () => {
    const { vswitch, attach } = makeSwitch({ macTableSize: 4 });
    const a = attach({ macAddressSpoofing: true });
    const b = attach();
    const c = attach();
    for (let i = 0; i < 10; i++) send(a.port, ethernetFrame(BROADCAST, 0x00155d100000 + i));
    vswitch.pump();
    expect(vswitch.macTableCounters).toMatchObject({ entries: 4, learned: 4, refused: 6 });
    send(b.port, ethernetFrame(0x00155d100000 + 9, B));
    vswitch.pump();
    expect(c.receiver.frames).toHaveLength(11);
    expect(vswitch.macTableCounters.refused).toBe(7); // B did not fit either
    expect(vswitch.macTableCounters.entries).toBe(4);
  });

  it('makes room in a full MAC table as entries age out', () => {
    const { vswitch, clock, attach } = makeSwitch({ macTableSize: 2, macAgingTimeMs: 5_000 });
    const a = attach({ macAddressSpoofing: true });
    attach();
    send(a.port, ethernetFrame(BROADCAST, 0x00155d100001));
    send(a.port, ethernetFrame(BROADCAST, 0x00155d100002));
    vswitch.pump();
    clock.time += 5_000;
    send(a.port, ethernetFrame(BROADCAST, 0x00155d100003));
    vswitch.pump();
    expect(vswitch.macTableCounters).toMatchObject({ entries: 1, agedOut: 2, learned: 3, refused: 0 });
  });

  it('bounds each ingress queue and counts what it drops', () => {
    const { vswitch, attach } = makeSwitch({ queueDepth: 8 });
    const a = attach();
    const b = attach();
    const results = Array.from({ length: 20 }, () => send(a.port, ethernetFrame(BROADCAST, A)));
    expect(results.filter(Boolean)).toHaveLength(8);
    expect(a.port.queued).toBe(8);
    expect(a.port.counters.droppedQueueFull).toBe(12);
    vswitch.pump();
    expect(b.receiver.frames).toHaveLength(8);
    expect(send(a.port, ethernetFrame(BROADCAST, A))).toBe(true);
  });

  it('tells a sender its room, and wakes it once the queue has drained to half or the port has left', () => {
    const { vswitch, attach } = makeSwitch({ queueDepth: 8, roundBudget: 2 });
    const a = attach();
    attach();
    for (let i = 0; i < 8; i++) send(a.port, ethernetFrame(BROADCAST, A));
    expect(a.port.room).toBe(0);
    let woken = 0;
    a.port.whenRoom(() => woken++);
    expect(woken).toBe(0);
    // A pump takes the frames a round at a time: the listener runs once, when 4 are left.
    vswitch.pump();
    expect(woken).toBe(1);
    expect(a.port.room).toBe(8);
    // With room already, at once.
    a.port.whenRoom(() => woken++);
    expect(woken).toBe(2);
    for (let i = 0; i < 8; i++) send(a.port, ethernetFrame(BROADCAST, A));
    a.port.whenRoom(() => woken++);
    a.port.disconnect();
    expect(woken).toBe(3);
    expect(a.port.room).toBe(0);
  });

  it('serves a quiet port fully while a flooding port loses only its own excess', async () => {
    const { vswitch, attach } = makeSwitch({ queueDepth: 64, roundBudget: 4, pumpBudget: 32 });
    const flooder = attach({ macAddress: A });
    const quiet = attach({ macAddress: B });
    const sink = attach({ macAddress: C });
    // Learn the sink so both streams are unicast to it.
    send(sink.port, ethernetFrame(BROADCAST, C));
    vswitch.pump();
    const flood = ethernetFrame(C, A, 0x88b5, 64, 0xf1);
    const calm = ethernetFrame(C, B, 0x88b5, 64, 0xca);
    let flooderAccepted = 0;
    for (let tick = 0; tick < 50; tick++) {
      // Each tick the flooder offers 200 frames at once, the quiet port 2.
      for (let i = 0; i < 200; i++) if (send(flooder.port, flood)) flooderAccepted++;
      expect(send(quiet.port, calm)).toBe(true);
      expect(send(quiet.port, calm)).toBe(true);
      await new Promise((resolve) => setImmediate(resolve));
    }
    while (vswitch.pump() > 0);
    const fromQuiet = sink.receiver.frames.filter((f) => f[6 + 5] === 2).length;
    expect(fromQuiet).toBe(100);
    expect(quiet.port.counters).toMatchObject({ framesIn: 100, framesForwarded: 100, droppedQueueFull: 0 });
    expect(flooder.port.counters.droppedQueueFull).toBe(10_000 - flooderAccepted);
    expect(flooder.port.counters.droppedQueueFull).toBeGreaterThan(5_000);
    expect(flooder.port.counters.framesForwarded).toBe(flooderAccepted);
  });

  it('takes at most roundBudget frames from a port before serving the next one', () => {
    const { vswitch, attach } = makeSwitch({ roundBudget: 2 });
    const a = attach();
    const b = attach();
    const sink = attach();
    for (let i = 0; i < 6; i++) send(a.port, ethernetFrame(BROADCAST, A, 0x88b5, 64, 0xaa));
    for (let i = 0; i < 2; i++) send(b.port, ethernetFrame(BROADCAST, B, 0x88b5, 64, 0xbb));
    vswitch.pump();
    expect(sink.receiver.frames.map((f) => f[20])).toEqual([0xaa, 0xaa, 0xbb, 0xbb, 0xaa, 0xaa, 0xaa, 0xaa]);
  });

  it('stops at the pump budget and finishes on a later turn of the event loop', async () => {
    const { vswitch, attach } = makeSwitch({ pumpBudget: 5 });
    const a = attach();
    const b = attach();
    for (let i = 0; i < 12; i++) send(a.port, ethernetFrame(BROADCAST, A));
    await Promise.resolve();
    expect(b.receiver.frames).toHaveLength(5);
    expect(vswitch.counters.pumps).toBe(1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(b.receiver.frames).toHaveLength(10);
    expect(vswitch.counters.pumps).toBe(2);
    await new Promise((resolve) => setImmediate(resolve));
    expect(b.receiver.frames).toHaveLength(12);
    expect(vswitch.counters.pumps).toBe(3);
    expect(droppedFrames(a.port.counters)).toBe(0);
  });

  it('refuses ports beyond maxPorts', () => {
    const { attach } = makeSwitch({ maxPorts: 2 });
    attach();
    const second = attach();
    expect(() => attach()).toThrow(SwitchStateError);
    second.port.disconnect();
    expect(() => attach()).not.toThrow();
  });
});

describe('VirtualSwitch kinds', () => {
  it('gives an internal switch one host port that talks to the VMs', () => {
    const { vswitch, attach } = makeSwitch({ kind: 'internal' });
    const vm = attach({ macAddress: A });
    const hostReceiver = new RecordingReceiver();
    const host = vswitch.connectHost({ name: 'host', receiver: hostReceiver, macAddress: B });
    expect(host.role).toBe('host');
    expect(() => vswitch.connectHost({ receiver: new RecordingReceiver() })).toThrow(SwitchStateError);
    send(vm.port, ethernetFrame(BROADCAST, A));
    send(host, ethernetFrame(A, B));
    vswitch.pump();
    expect(hostReceiver.frames).toHaveLength(1);
    expect(vm.receiver.frames).toHaveLength(1);
    host.disconnect();
    expect(() => vswitch.connectHost({ receiver: hostReceiver })).not.toThrow();
  });

  it('has no host port on a private switch', () => {
    const { vswitch } = makeSwitch({ kind: 'private' });
    expect(() => vswitch.connectHost({ receiver: new RecordingReceiver() })).toThrow(SwitchStateError);
  });
});
