import type { MacAddress } from '../../protocol/mac-address.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FrameReceiver } from './frame-receiver.js';
import { droppedFrames } from './switch-port-counters.js';
import type { SwitchPort } from './switch-port.js';
import { VirtualSwitch } from './virtual-switch.js';
import type { PortVlanConfig } from './port-vlan-config.js';

/** Counts deliveries; refuses every seventh frame, and throws on every eleventh, as a hostile receiver might. */
class CountingReceiver implements FrameReceiver {
  calls = 0;
  receiveFrame(_frame: Uint8Array, _offset: number, length: number): boolean {
    this.calls++;
    if (length < 14) throw new Error('switch delivered a runt');
    if (this.calls % 11 === 0) throw new Error('receiver failure');
    return this.calls % 7 !== 0;
  }
}

const vlanConfig: fc.Arbitrary<PortVlanConfig> = fc.oneof(
  fc.record({ mode: fc.constant('access' as const), vlanId: fc.integer({ min: 1, max: 4 }) }),
  fc.record({
    mode: fc.constant('trunk' as const),
    allowedVlans: fc.uniqueArray(fc.integer({ min: 1, max: 4 }), { maxLength: 4 }),
    nativeVlan: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
  }),
);

/** Frames drawn from a few addresses and VLANs so that learning, filtering and tagging all happen. */
const frame = fc
  .record({
    destination: fc.oneof(fc.constant(0xff), fc.constant(0x01), fc.integer({ min: 0, max: 5 }).map((n) => n * 2)),
    source: fc.oneof(fc.integer({ min: 0, max: 5 }).map((n) => n * 2), fc.constant(0x01)),
    tag: fc.option(fc.integer({ min: 0, max: 6 }), { nil: undefined }),
    length: fc.integer({ min: 0, max: 1530 }),
    noise: fc.uint8Array({ minLength: 0, maxLength: 32 }),
  })
  .map(({ destination, source, tag, length, noise }) => {
    const bytes = new Uint8Array(length);
    bytes.set(noise.subarray(0, Math.min(noise.length, length)));
    if (length > 0) bytes[0] = destination;
    if (length > 6) bytes[6] = source;
    if (tag !== undefined && length > 16) {
      bytes[12] = 0x81;
      bytes[13] = 0x00;
      bytes[15] = tag;
    }
    return bytes;
  });

describe('VirtualSwitch under random traffic', () => {
  it('never throws, and every frame sent is forwarded, dropped for a counted reason, or still queued', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ vlan: vlanConfig, bound: fc.boolean(), spoofing: fc.boolean() }), { minLength: 1, maxLength: 5 }),
        fc.array(
          fc.record({ port: fc.nat(), frame, offset: fc.integer({ min: -2, max: 4 }), cut: fc.integer({ min: -2, max: 4 }), pump: fc.boolean(), leave: fc.nat(40) }),
          { maxLength: 120 },
        ),
        (portSpecs, events) => {
          const vswitch = new VirtualSwitch({ name: 'fuzz', kind: 'private', queueDepth: 4, macTableSize: 3, roundBudget: 2 });
          const receivers = portSpecs.map(() => new CountingReceiver());
          const ports: SwitchPort[] = portSpecs.map((spec, i) =>
            vswitch.connect({ receiver: receivers[i]!, vlan: spec.vlan, macAddress: spec.bound ? (i * 2 as MacAddress) : undefined, macAddressSpoofing: spec.spoofing }),
          );
          for (const event of events) {
            const port = ports[event.port % ports.length]!;
            const offset = Math.max(0, event.offset);
            const buffer = new Uint8Array(event.frame.length + offset + 2);
            buffer.set(event.frame, offset);
            port.send(buffer, event.offset, event.frame.length + event.cut);
            if (event.pump) vswitch.pump();
            if (event.leave === 0) port.disconnect();
          }
          let taken = 0;
          for (const port of ports) {
            const c = port.counters;
            expect(c.framesIn).toBe(c.framesForwarded + droppedFrames(c) + port.queued);
            taken += c.framesOut + c.egressRefused;
          }
          expect(taken).toBe(receivers.reduce((sum, r) => sum + r.calls, 0));
          expect(ports.reduce((sum, p) => sum + p.counters.framesForwarded, 0)).toBe(vswitch.counters.framesForwarded);
          expect(vswitch.counters.framesForwarded).toBe(vswitch.counters.unicast + vswitch.counters.flooded);
          expect(vswitch.macTableCounters.entries).toBeLessThanOrEqual(3);
          vswitch.dispose();
        },
      ),
      { numRuns: 300 },
    );
  });
});
