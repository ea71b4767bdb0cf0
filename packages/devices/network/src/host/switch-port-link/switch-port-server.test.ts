import { connect } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { macAddress, type MacAddress } from '../../protocol/mac-address.js';
import { LocalSwitchDirectory } from '../switch-directory/local-switch-directory.js';
import { UnknownSwitchError } from '../switch-directory/unknown-switch-error.js';
import type { VirtualSwitch } from '../switch/virtual-switch.js';
import { PORT_LINK_HEADER_SIZE } from './port-link-message.js';
import { RemoteSwitchDirectory } from './remote-switch-directory.js';
import { SwitchPortRefusedError } from './switch-port-refused-error.js';
import { SwitchPortServer } from './switch-port-server.js';

const WEB = macAddress('00-15-5D-00-00-0A');
const DB = macAddress('00-15-5D-00-00-0B');

/** A frame from `source` to `destination` with one byte of payload marking it. */
function frame(destination: MacAddress, source: MacAddress, mark: number): Uint8Array {
  const bytes = new Uint8Array(60);
  for (let i = 0; i < 6; i++) {
    bytes[i] = Math.floor(destination / 2 ** (40 - 8 * i)) % 256;
    bytes[6 + i] = Math.floor(source / 2 ** (40 - 8 * i)) % 256;
  }
  bytes[12] = 0x88;
  bytes[13] = 0xb5;
  bytes[14] = mark;
  return bytes;
}

/** A receiver that keeps each frame's mark. */
function marks(): { receiver: { receiveFrame(f: Uint8Array, o: number, l: number): boolean }; seen: number[] } {
  const seen: number[] = [];
  return { seen, receiver: { receiveFrame: (f, o) => seen.push(f[o + 14]!) > 0 } };
}

let server: SwitchPortServer | undefined;
afterEach(() => {
  server?.close();
  server = undefined;
});

function host(): { directory: LocalSwitchDirectory; lan: VirtualSwitch; server: SwitchPortServer } {
  const directory = new LocalSwitchDirectory();
  const lan = directory.create({ name: 'lan', kind: 'private' });
  server = new SwitchPortServer(directory);
  return { directory, lan, server };
}

describe('switch ports of worker processes (SwitchPortServer and RemoteSwitchDirectory)', () => {
  it('carries frames both ways between a granted remote port and a local one, with the settings the host granted', async () => {
    const { directory, lan, server } = host();
    const local = marks();
    const db = directory.attach('lan', { name: 'db', macAddress: DB, receiver: local.receiver });
    const granted = await server.grant({ switchName: 'lan', options: { name: 'web/nic', vm: 'web', macAddress: WEB } });
    const remote = marks();
    // The worker asks with other settings: the grant's win.
    const web = await new RemoteSwitchDirectory(granted).attach('lan', { macAddress: DB, macAddressSpoofing: true, receiver: remote.receiver });
    const port = lan.connectedPorts.find((p) => p.name === 'web/nic')!;
    expect({ vm: port.vm, macAddress: port.macAddress }).toEqual({ vm: 'web', macAddress: WEB });
    for (let i = 1; i <= 20; i++) expect(web.send(frame(DB, WEB, i), 0, 60)).toBe(true);
    expect(web.send(frame(DB, DB, 99), 0, 60)).toBe(true); // spoofed: the host's port drops it
    await vi.waitFor(() => expect(local.seen).toHaveLength(20), { timeout: 10_000 });
    expect(local.seen).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    await vi.waitFor(() => expect(port.counters.droppedSpoofed).toBe(1), { timeout: 10_000 });
    for (let i = 1; i <= 5; i++) db.send(frame(WEB, DB, 100 + i), 0, 60);
    lan.pump();
    await vi.waitFor(() => expect(remote.seen).toEqual([101, 102, 103, 104, 105]), { timeout: 10_000 });
    expect(web.counters).toMatchObject({ framesIn: 21, framesForwarded: 21, framesOut: 5, bytesOut: 300 });
    web.detach();
    await vi.waitFor(() => expect(lan.connectedPorts.map((p) => p.name)).toEqual(['db']), { timeout: 10_000 });
    expect(web.send(frame(DB, WEB, 7), 0, 60)).toBe(false);
    expect(web.counters.droppedOnDisconnect).toBe(1);
  });

  it('refuses a grant for a switch that does not exist, a token it never gave, a second link of one grant, and a revoked grant', async () => {
    const { lan, server } = host();
    await expect(server.grant({ switchName: 'wan', options: {} })).rejects.toBeInstanceOf(UnknownSwitchError);
    const granted = await server.grant({ switchName: 'lan', options: { name: 'web/nic', macAddress: WEB } });
    const receiver = marks().receiver;
    await expect(new RemoteSwitchDirectory({ socketPath: granted.socketPath, token: 'f'.repeat(48) }).attach('lan', { receiver })).rejects.toBeInstanceOf(SwitchPortRefusedError);
    await expect(new RemoteSwitchDirectory(granted).attach('wan', { receiver })).rejects.toBeInstanceOf(UnknownSwitchError);
    await vi.waitFor(() => expect(lan.connectedPorts).toHaveLength(0), { timeout: 10_000 });
    const first = await new RemoteSwitchDirectory(granted).attach('lan', { receiver });
    await expect(new RemoteSwitchDirectory(granted).attach('lan', { receiver })).rejects.toThrow('connected already');
    granted.revoke();
    await vi.waitFor(() => expect(lan.connectedPorts).toHaveLength(0), { timeout: 10_000 });
    expect(first.send(frame(DB, WEB, 1), 0, 60)).toBe(false);
    await expect(new RemoteSwitchDirectory(granted).attach('lan', { receiver })).rejects.toBeInstanceOf(SwitchPortRefusedError);
    expect(server.grantCount).toBe(0);
  });

  it('disconnects a worker that breaks the framing, and the switch goes on', async () => {
    const { directory, lan, server } = host();
    const local = marks();
    directory.attach('lan', { name: 'db', macAddress: DB, receiver: local.receiver });
    const granted = await server.grant({ switchName: 'lan', options: { name: 'web/nic', macAddress: WEB } });
    await new RemoteSwitchDirectory(granted).attach('lan', { receiver: marks().receiver });
    // A rogue peer: a header claiming a 1 GiB message.
    const rogue = connect(granted.socketPath);
    const closed = new Promise<void>((resolve) => rogue.once('close', () => resolve()));
    rogue.on('error', () => undefined);
    const header = new Uint8Array(PORT_LINK_HEADER_SIZE);
    new DataView(header.buffer).setUint32(0, 1 << 30, true);
    header[4] = 4;
    rogue.write(header);
    await closed;
    expect(lan.connectedPorts.map((p) => p.name)).toEqual(['db', 'web/nic']);
  });
});
