import type { MacAddress } from '../../protocol/mac-address.js';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PacketCapture } from './packet-capture.js';
import { arpFrame, ethernetFrame, icmpEchoFrame, RecordingReceiver, tagged, udpFrame } from './test-fixtures/ethernet-frames.js';
import { VirtualSwitch } from './virtual-switch.js';

const A = 0x00155d000001 as MacAddress;
const B = 0x00155d000002 as MacAddress;
const IP_A = 0x0a000001; // 10.0.0.1
const IP_B = 0x0a000002;

/** tshark is a required test tool (installed by .ci/run): its absence fails the test, never skips it. */
function tshark(args: string[]): string {
  try {
    return execFileSync('tshark', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error('tshark is not installed: run `apt-get install -y tshark` (.ci/run does this) to check pcap files');
    }
    throw error;
  }
}

let dir: string | undefined;
afterEach(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

function tempFile(name: string): string {
  dir ??= mkdtempSync(join(tmpdir(), 'tsvisor-pcap-'));
  return join(dir, name);
}

describe('Port mirroring to pcap', () => {
  it('writes an ARP, ICMP echo and UDP exchange seen on a port, both directions, that tshark decodes', () => {
    let time = 1_700_000_000_000;
    const vswitch = new VirtualSwitch({ name: 'lab', kind: 'internal', clock: { now: () => (time += 1.5) } });
    const vm = vswitch.connect({ receiver: new RecordingReceiver(), macAddress: A });
    const host = vswitch.connectHost({ receiver: new RecordingReceiver(), macAddress: B });
    const file = tempFile('vm.pcap');
    const capture = vswitch.mirror(vm, file, { snapLength: 1600 });
    const exchange = [
      [vm, arpFrame(1, A, IP_A, 0, IP_B)],
      [host, arpFrame(2, B, IP_B, A, IP_A)],
      [vm, icmpEchoFrame(8, B, A, IP_A, IP_B)],
      [host, icmpEchoFrame(0, A, B, IP_B, IP_A)],
      [vm, udpFrame(B, A, IP_A, IP_B, 40000, 53, new TextEncoder().encode('hello switch'))],
      [host, udpFrame(A, B, IP_B, IP_A, 53, 40000, new TextEncoder().encode('hello vm'))],
    ] as const;
    for (const [port, frame] of exchange) {
      expect(port.send(frame, 0, frame.length)).toBe(true);
      vswitch.pump();
    }
    expect(vswitch.stopMirroring(vm)).toBe(capture);
    expect(capture.counters).toMatchObject({ framesCaptured: 6, framesMissed: 0, writeErrors: 0 });

    const bytes = readFileSync(file);
    expect(bytes.length).toBe(capture.counters.bytes);
    const header = new DataView(bytes.buffer, bytes.byteOffset, 24);
    expect(header.getUint32(0, true)).toBe(0xa1b2c3d4);
    expect([header.getUint16(4, true), header.getUint16(6, true)]).toEqual([2, 4]);
    expect(header.getUint32(16, true)).toBe(1600);
    expect(header.getUint32(20, true)).toBe(1);

    const protocols = tshark(['-r', file, '-T', 'fields', '-e', 'frame.protocols']).trim().split('\n');
    expect(protocols).toEqual([
      'eth:ethertype:arp',
      'eth:ethertype:arp',
      'eth:ethertype:ip:icmp:data',
      'eth:ethertype:ip:icmp:data',
      'eth:ethertype:ip:udp:dns',
      'eth:ethertype:ip:udp:dns',
    ].map((p) => expect.stringMatching(new RegExp(`^${p.split(':').slice(0, 4).join(':')}`))));
    const fields = tshark(['-r', file, '-T', 'fields', '-E', 'separator=,', '-e', 'arp.opcode', '-e', 'icmp.type', '-e', 'udp.dstport', '-e', 'frame.time_epoch']);
    const rows = fields.trim().split('\n').map((line) => line.split(','));
    expect(rows.map((r) => r.slice(0, 3).join(','))).toEqual(['1,,', '2,,', ',8,', ',0,', ',,53', ',,40000']);
    expect(Number(rows[0]![3])).toBeCloseTo(1_700_000_000, 0);
    vswitch.dispose();
  });

  it("mirrors every forwarded frame once with 'all', as it came in, tagged where it came in tagged", () => {
    const vswitch = new VirtualSwitch({ name: 'lab', kind: 'private' });
    const trunk = vswitch.connect({ receiver: new RecordingReceiver(), vlan: { mode: 'trunk', allowedVlans: [10] } });
    const access = vswitch.connect({ receiver: new RecordingReceiver(), vlan: { mode: 'access', vlanId: 10 } });
    const file = tempFile('all.pcap');
    vswitch.mirror('all', file);
    const frame = tagged(ethernetFrame(0xffff_ffff_ffff, A, 0x0800, 60), 10);
    trunk.send(frame, 0, frame.length);
    const reply = ethernetFrame(A, B, 0x0800, 60);
    access.send(reply, 0, reply.length);
    vswitch.pump();
    vswitch.stopMirroring('all');
    const vlans = tshark(['-r', file, '-T', 'fields', '-E', 'separator=,', '-e', 'frame.len', '-e', 'vlan.id']).trim().split('\n');
    expect(vlans).toEqual(['64,10', '60,']);
    vswitch.dispose();
  });

  it('stops at its size limit and counts the frames it missed', () => {
    const file = tempFile('small.pcap');
    const capture = new PacketCapture(file, { maxFileBytes: 24 + 3 * (16 + 100) });
    const frame = ethernetFrame(0xffff_ffff_ffff, A, 0x88b5, 100);
    for (let i = 0; i < 5; i++) capture.record(frame, 0, frame.length, 1_700_000_000_000 + i);
    expect(capture.isCapturing).toBe(false);
    capture.close();
    expect(capture.counters).toMatchObject({ framesCaptured: 3, framesMissed: 2 });
    expect(readFileSync(file).length).toBe(24 + 3 * 116);
    expect(tshark(['-r', file, '-T', 'fields', '-e', 'frame.len']).trim().split('\n')).toEqual(['100', '100', '100']);
  });

  it('cuts frames to the snapshot length and records their full length', () => {
    const file = tempFile('snap.pcap');
    const capture = new PacketCapture(file, { snapLength: 20 });
    const frame = ethernetFrame(0xffff_ffff_ffff, A, 0x88b5, 100);
    capture.record(frame, 0, frame.length, 1_700_000_000_000);
    capture.close();
    expect(tshark(['-r', file, '-T', 'fields', '-e', 'frame.len', '-e', 'frame.cap_len']).trim()).toBe('100\t20');
  });
});
