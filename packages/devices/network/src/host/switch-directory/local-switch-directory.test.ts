import { describe, expect, it } from 'vitest';
import { macAddress } from '../../protocol/mac-address.js';
import { SwitchStateError } from '../switch/switch-state-error.js';
import { LocalSwitchDirectory } from './local-switch-directory.js';
import { UnknownSwitchError } from './unknown-switch-error.js';

const receiver = { receiveFrame: () => true };

describe('LocalSwitchDirectory', () => {
  it('creates, lists, gets and deletes switches by name', () => {
    const directory = new LocalSwitchDirectory();
    const lab = directory.create({ name: 'lab', kind: 'private' });
    directory.create({ name: 'dmz', kind: 'internal' });
    expect(directory.get('lab')).toBe(lab);
    expect(directory.list()).toEqual([
      { name: 'lab', kind: 'private', ports: 0 },
      { name: 'dmz', kind: 'internal', ports: 0 },
    ]);
    directory.delete('dmz');
    expect(directory.get('dmz')).toBeUndefined();
    expect(() => directory.create({ name: 'lab', kind: 'private' })).toThrow(SwitchStateError);
  });

  it('attaches ports that send through the switch, and counts per port', () => {
    const directory = new LocalSwitchDirectory();
    const lab = directory.create({ name: 'lab', kind: 'private' });
    const seen: number[] = [];
    const a = directory.attach('lab', { receiver, macAddress: macAddress('00:15:5d:00:00:01') });
    directory.attach('lab', { receiver: { receiveFrame: (_f, _o, length) => (seen.push(length), true) } });
    const frame = new Uint8Array(60).fill(0xff, 0, 6);
    frame.set([0x00, 0x15, 0x5d, 0x00, 0x00, 0x01], 6);
    expect(a.send(frame, 0, 60)).toBe(true);
    lab.pump();
    expect(seen).toEqual([60]);
    expect(a.counters.framesIn).toBe(1);
    expect(a.switchName).toBe('lab');
    expect(directory.list()[0]!.ports).toBe(2);
  });

  it('refuses an unknown switch with an error naming it', () => {
    const directory = new LocalSwitchDirectory();
    expect(() => directory.attach('nowhere', { receiver })).toThrow(UnknownSwitchError);
    expect(() => directory.attach('nowhere', { receiver })).toThrow(/nowhere/);
    expect(() => directory.delete('nowhere')).toThrow(UnknownSwitchError);
  });

  it('refuses to delete a switch while ports are attached, naming them, and deletes it once they detach', () => {
    const directory = new LocalSwitchDirectory();
    directory.create({ name: 'lab', kind: 'private' });
    const port = directory.attach('lab', { name: 'vm1/nic0', receiver });
    expect(() => directory.delete('lab')).toThrow(/1 port\(s\) are attached: vm1\/nic0/);
    port.detach();
    port.detach();
    directory.delete('lab');
    expect(directory.list()).toEqual([]);
  });
});
