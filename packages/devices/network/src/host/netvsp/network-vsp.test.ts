import { afterEach, describe, expect, it, vi } from 'vitest';
import { NetvscBringUpError } from '../../guest/netvsc/netvsc-bring-up-error.js';
import { NvspVersion } from '../../protocol/nvsp-version.js';
import { RndisMessageType, RndisStatus } from '../../protocol/rndis-message-type.js';
import { NdisPacketFilter, RndisOid, oidU32, readOidU32 } from '../../protocol/rndis-oid.js';
import { BROADCAST_MAC, formatMac, macAddress, writeMac } from '../../protocol/mac-address.js';
import { collectFrames, connectNic, testFrame, type TestNic } from '../../test-fixtures/nic-test-bed.js';
import { LocalSwitchDirectory } from '../switch-directory/local-switch-directory.js';
import { UnknownSwitchError } from '../switch-directory/unknown-switch-error.js';
import { NETVSP_SUPPORTED_OIDS } from './rndis-control.js';

const MAC_A = '00-15-5D-00-00-0A';
const MAC_B = '00-15-5D-00-00-0B';
let nics: TestNic[] = [];
let directory: LocalSwitchDirectory;

function lab(options: { maxFrameSize?: number } = {}): LocalSwitchDirectory {
  directory = new LocalSwitchDirectory();
  directory.create({ name: 'lab', kind: 'private', ...options });
  return directory;
}

async function nic(...args: Parameters<typeof connectNic>): Promise<TestNic> {
  const connected = await connectNic(...args);
  nics.push(connected);
  return connected;
}

afterEach(async () => {
  for (const n of nics) await n.bed.close();
  nics = [];
});

describe('netvsp bring-up', () => {
  it('negotiates the newest version, shares both buffers and initializes RNDIS: MAC, MTU and link from the host', async () => {
    const { vsp, adapter } = await nic(lab(), { switch: 'lab', macAddress: MAC_A });
    expect(vsp.nvspVersion).toBe(NvspVersion.V61);
    expect(formatMac(adapter.mac)).toBe('00:15:5d:00:00:0a');
    expect(adapter.mtu).toBe(1500);
    expect(adapter.linkUp).toBe(true);
    expect(vsp.guestReady).toBe(true);
    expect(vsp.counters()).toMatchObject({ protocolErrors: 0, controlMessages: 5 });
    expect(directory.list()).toEqual([{ name: 'lab', kind: 'private', ports: 1 }]);
  });

  it('answers INIT with the highest version both support: a guest falls back to what the host has', async () => {
    const { vsp } = await nic(lab(), { switch: 'lab' }, { vsp: { versions: [NvspVersion.V4, NvspVersion.V5] } });
    expect(vsp.nvspVersion).toBe(NvspVersion.V5);
    // Each refused proposal is a refusal counted, not a fault.
    expect(vsp.counters().protocolErrors).toBe(2);
  });

  it('refuses a guest whose versions it does not support; the bind fails with the step named', async () => {
    await expect(connectNic(lab(), { switch: 'lab' }, { vsp: { versions: [NvspVersion.V61] }, driver: { versions: [NvspVersion.V1, NvspVersion.V2] } })).rejects.toThrow(NetvscBringUpError);
    await expect(connectNic(directory, { switch: 'lab' }, { vsp: { versions: [NvspVersion.V61] }, driver: { versions: [NvspVersion.V1] } })).rejects.toThrow(/NVSP version/);
  });

  it('fails to start on an unknown switch, naming it', async () => {
    await expect(connectNic(lab(), { switch: 'nowhere' })).rejects.toThrow(UnknownSwitchError);
    await expect(connectNic(directory, { switch: 'nowhere' })).rejects.toThrow(/'nowhere'/);
  });

  it('lowers the MTU to what the guest asks with SEND_NDIS_CONFIG, and caps it at the adapter MTU', async () => {
    const low = await nic(lab(), { switch: 'lab', mtu: 9000 }, { driver: { mtu: 1400 } });
    expect(low.adapter.mtu).toBe(1400);
    const high = await nic(directory, { switch: 'lab', mtu: 4000 });
    expect(high.adapter.mtu).toBe(4000);
  });

  it('derives a stable MAC in 00-15-5D when none is configured', async () => {
    const first = await nic(lab(), { switch: 'lab' }, { vmName: 'vm1' });
    expect(formatMac(first.adapter.mac).startsWith('00:15:5d:')).toBe(true);
    expect(first.adapter.mac).toBe(first.vsp.mac);
  });
});

describe('netvsp RNDIS control', () => {
  it('answers the supported list, link speed, total size and media state; other OIDs NOT_SUPPORTED', async () => {
    const { adapter } = await nic(lab(), { switch: 'lab' });
    const query = (oid: number) => adapter.control((requestId) => ({ type: RndisMessageType.QUERY, requestId, oid, information: new Uint8Array(0), deviceVcHandle: 0 }));
    const list = await query(RndisOid.GEN_SUPPORTED_LIST);
    const oids = list.type === RndisMessageType.QUERY_COMPLETE ? list.information : new Uint8Array(0);
    expect(Array.from({ length: oids.length / 4 }, (_, i) => new DataView(oids.buffer, oids.byteOffset).getUint32(4 * i, true))).toEqual(NETVSP_SUPPORTED_OIDS);
    const speed = await query(RndisOid.GEN_LINK_SPEED);
    expect(speed.type === RndisMessageType.QUERY_COMPLETE && readOidU32(speed.information, RndisOid.GEN_LINK_SPEED)).toBe(100_000_000);
    const total = await query(RndisOid.GEN_MAXIMUM_TOTAL_SIZE);
    expect(total.type === RndisMessageType.QUERY_COMPLETE && readOidU32(total.information, 0)).toBe(1514);
    const permanent = await query(RndisOid.PERMANENT_ADDRESS_802_3);
    const expected = new Uint8Array(6);
    writeMac(expected, 0, adapter.mac);
    expect(permanent.type === RndisMessageType.QUERY_COMPLETE && permanent.information).toEqual(expected);
    expect((await query(0x00fe_0001)).status).toBe(RndisStatus.NOT_SUPPORTED);
    const set = await adapter.control((requestId) => ({ type: RndisMessageType.SET, requestId, oid: RndisOid.MULTICAST_LIST_802_3, information: new Uint8Array(6), deviceVcHandle: 0 }));
    expect(set.status).toBe(RndisStatus.NOT_SUPPORTED);
    const keepalive = await adapter.control((requestId) => ({ type: RndisMessageType.KEEPALIVE, requestId }));
    expect(keepalive).toMatchObject({ type: RndisMessageType.KEEPALIVE_COMPLETE, status: RndisStatus.SUCCESS });
  });

  it('receives nothing once the guest sets the packet filter to 0, and again after setting it back', async () => {
    const a = await nic(lab(), { switch: 'lab', macAddress: MAC_A });
    const b = await nic(directory, { switch: 'lab', macAddress: MAC_B });
    const frames = collectFrames(b.adapter);
    const setFilter = (filter: number) => b.adapter.control((requestId) => ({ type: RndisMessageType.SET, requestId, oid: RndisOid.GEN_CURRENT_PACKET_FILTER, information: oidU32(filter), deviceVcHandle: 0 }));
    expect((await setFilter(0)).status).toBe(RndisStatus.SUCCESS);
    a.adapter.send(testFrame(b.adapter.mac, a.adapter.mac));
    await vi.waitFor(() => expect(b.vsp.counters().receiveDroppedFiltered).toBe(1), { timeout: 10_000 });
    expect((await setFilter(NdisPacketFilter.DIRECTED)).status).toBe(RndisStatus.SUCCESS);
    a.adapter.send(testFrame(b.adapter.mac, a.adapter.mac, 60, 1));
    a.adapter.send(testFrame(BROADCAST_MAC, a.adapter.mac, 60, 2));
    await vi.waitFor(() => expect(frames.map((f) => f[20])).toEqual([1]), { timeout: 10_000 });
    await vi.waitFor(() => expect(b.vsp.counters().receiveDroppedFiltered).toBe(2), { timeout: 10_000 });
  });

  it('tells the guest when management pulls the cable and connects it again; frames stop meanwhile', async () => {
    const a = await nic(lab(), { switch: 'lab', macAddress: MAC_A });
    const b = await nic(directory, { switch: 'lab', macAddress: MAC_B });
    const frames = collectFrames(b.adapter);
    b.vsp.setLinkUp(false);
    await vi.waitFor(() => expect(b.adapter.linkUp).toBe(false), { timeout: 10_000 });
    a.adapter.send(testFrame(b.adapter.mac, a.adapter.mac));
    await vi.waitFor(() => expect(b.vsp.counters().receiveDroppedLinkDown).toBe(1), { timeout: 10_000 });
    b.adapter.send(testFrame(a.adapter.mac, b.adapter.mac));
    expect(b.adapter.counters.sendDropped).toBe(1);
    b.vsp.setLinkUp(true);
    await vi.waitFor(() => expect(b.adapter.linkUp).toBe(true), { timeout: 10_000 });
    a.adapter.send(testFrame(b.adapter.mac, a.adapter.mac, 60, 7));
    await vi.waitFor(() => expect(frames.map((f) => f[20])).toEqual([7]), { timeout: 10_000 });
    expect(b.adapter.counters.statusIndications).toBe(2);
  });
});

describe('netvsp frames', () => {
  it('carries frames both ways between two NICs on one switch, byte for byte', async () => {
    const a = await nic(lab(), { switch: 'lab', macAddress: MAC_A });
    const b = await nic(directory, { switch: 'lab', macAddress: MAC_B });
    const atA = collectFrames(a.adapter);
    const atB = collectFrames(b.adapter);
    const toB = testFrame(b.adapter.mac, a.adapter.mac, 1514, 0x5a);
    toB[100] = 1;
    a.adapter.send(toB);
    b.adapter.send(testFrame(a.adapter.mac, b.adapter.mac, 61, 0xa5));
    await vi.waitFor(() => expect([atA.length, atB.length]).toEqual([1, 1]), { timeout: 10_000 });
    expect(atB[0]).toEqual(toB);
    expect(atA[0]).toEqual(testFrame(a.adapter.mac, b.adapter.mac, 61, 0xa5));
    await vi.waitFor(() => expect(a.adapter.freeSendSections).toBe(a.adapter['freeSections'].length), { timeout: 10_000 });
    expect(a.vsp.counters()).toMatchObject({ framesSent: 1, bytesSent: 1514, framesReceived: 1, bytesReceived: 61, protocolErrors: 0 });
    expect(b.adapter.counters).toMatchObject({ framesReceived: 1, bytesReceived: 1514, framesSent: 1, sendFailed: 0 });
  });

  it('closes only its channel, counted, when its own code fails on a packet; the host and other NICs go on', async () => {
    const switches = lab();
    // A switch directory whose ports fail as a bug would: a TypeError, not a ProtocolError.
    const broken = {
      attach: (name: string, options: Parameters<LocalSwitchDirectory['attach']>[1]) => {
        const port = switches.attach(name, options);
        return { ...port, switchName: name, counters: port.counters, detach: () => port.detach(), send: (): boolean => { throw new TypeError('a bug in the port'); } };
      },
    };
    const a = await nic(broken, { switch: 'lab', macAddress: MAC_A });
    const b = await nic(switches, { switch: 'lab', macAddress: MAC_B });
    const c = await nic(switches, { switch: 'lab', macAddress: '00-15-5D-00-00-0C' });
    const atC = collectFrames(c.adapter);
    a.adapter.send(testFrame(b.adapter.mac, a.adapter.mac));
    await vi.waitFor(() => expect(a.vsp.counters().internalErrors).toBe(1), { timeout: 10_000 });
    expect(a.bed.host.state).toBe('closed');
    expect(a.vsp.counters().protocolErrors).toBe(0);
    b.adapter.send(testFrame(c.adapter.mac, b.adapter.mac, 60, 7));
    await vi.waitFor(() => expect(atC.map((frame) => frame[20])).toEqual([7]), { timeout: 10_000 });
    expect(b.vsp.counters().internalErrors).toBe(0);
  });

  it('batches frames that arrive in one turn into one transfer-page packet', async () => {
    const a = await nic(lab(), { switch: 'lab', macAddress: MAC_A });
    const b = await nic(directory, { switch: 'lab', macAddress: MAC_B });
    const atB = collectFrames(b.adapter);
    const before = b.vsp.counts.receivePackets;
    for (let i = 0; i < 20; i++) a.adapter.send(testFrame(b.adapter.mac, a.adapter.mac, 100, i));
    await vi.waitFor(() => expect(atB.length).toBe(20), { timeout: 10_000 });
    expect(atB.map((f) => f[20])).toEqual(Array.from({ length: 20 }, (_, i) => i));
    const packets = b.vsp.counts.receivePackets - before;
    expect(packets).toBeGreaterThanOrEqual(1);
    expect(packets).toBeLessThan(20);
  });

  it('drops frames (counted) when every receive slot waits for the guest, and recovers once it completes', async () => {
    const a = await nic(lab(), { switch: 'lab', macAddress: MAC_A });
    // 16 KiB: ten 1600-byte slots.
    const b = await nic(directory, { switch: 'lab', macAddress: MAC_B }, { driver: { receiveBufferSize: 16 * 1024 } });
    await vi.waitFor(() => expect(b.vsp.counters().freeReceiveSlots).toBe(10), { timeout: 10_000 });
    const atB = collectFrames(b.adapter);
    const guest = b.bed.guest;
    const complete = guest.complete.bind(guest);
    const held: { transactionIdLow: number; transactionIdHigh: number; payload: Uint8Array }[] = [];
    const spy = vi.spyOn(guest, 'complete').mockImplementation((target, payload = new Uint8Array(0)) => {
      held.push({ transactionIdLow: target.transactionIdLow, transactionIdHigh: target.transactionIdHigh, payload: payload.slice() });
      return true;
    });
    for (let i = 0; i < 30; i++) a.adapter.send(testFrame(b.adapter.mac, a.adapter.mac, 60, i));
    await vi.waitFor(() => expect(b.vsp.counters().receiveDroppedNoSlot).toBe(20), { timeout: 10_000 });
    expect(b.vsp.counters()).toMatchObject({ framesReceived: 10, freeReceiveSlots: 0 });
    await vi.waitFor(() => expect(atB.length).toBe(10), { timeout: 10_000 });
    // The switch counts the refusals against B's port, and A lost nothing of its own.
    expect(b.vsp.portCounters!.egressRefused).toBe(20);
    expect(a.vsp.counters().receiveDroppedNoSlot).toBe(0);
    spy.mockRestore();
    for (const target of held) complete(target, target.payload);
    await vi.waitFor(() => expect(b.vsp.counters().freeReceiveSlots).toBe(10), { timeout: 10_000 });
    for (let i = 0; i < 5; i++) a.adapter.send(testFrame(b.adapter.mac, a.adapter.mac, 60, 100 + i));
    await vi.waitFor(() => expect(atB.length).toBe(15), { timeout: 10_000 });
    expect(atB.slice(10).map((f) => f[20])).toEqual([100, 101, 102, 103, 104]);
  });

  it('drops frames longer than the receiving adapter MTU, and the guest does not send past its own', async () => {
    const a = await nic(lab({ maxFrameSize: 9018 }), { switch: 'lab', macAddress: MAC_A, mtu: 9000 });
    const b = await nic(directory, { switch: 'lab', macAddress: MAC_B });
    const atB = collectFrames(b.adapter);
    a.adapter.send(testFrame(b.adapter.mac, a.adapter.mac, 3000));
    await vi.waitFor(() => expect(b.vsp.counters().receiveDroppedOversize).toBe(1), { timeout: 10_000 });
    b.adapter.send(testFrame(a.adapter.mac, b.adapter.mac, 1519));
    expect(b.adapter.counters.sendDropped).toBe(1);
    a.adapter.send(testFrame(b.adapter.mac, a.adapter.mac, 1514, 3));
    await vi.waitFor(() => expect(atB.length).toBe(1), { timeout: 10_000 });
  });

  it('carries a VLAN: an access adapter sends untagged, a trunk adapter receives the frame tagged, a full-size one included', async () => {
    const access = await nic(lab(), { switch: 'lab', macAddress: MAC_A, vlan: { mode: 'access', vlanId: 10 } });
    const trunk = await nic(directory, { switch: 'lab', macAddress: MAC_B, vlan: { mode: 'trunk', allowedVlans: [10, 20] } });
    const other = await nic(directory, { switch: 'lab', macAddress: '00-15-5D-00-00-0C' });
    const atTrunk = collectFrames(trunk.adapter);
    const atOther = collectFrames(other.adapter);
    access.adapter.send(testFrame(trunk.adapter.mac, access.adapter.mac, 1514, 4));
    await vi.waitFor(() => expect(atTrunk.length).toBe(1), { timeout: 10_000 });
    expect(atTrunk[0]!.length).toBe(1518);
    expect([...atTrunk[0]!.subarray(12, 16)]).toEqual([0x81, 0x00, 0x00, 10]);
    expect(atOther).toEqual([]);
  });

  it('refuses frames from a spoofed source MAC at the switch port, unless spoofing is allowed', async () => {
    const a = await nic(lab(), { switch: 'lab', macAddress: MAC_A });
    const b = await nic(directory, { switch: 'lab', macAddress: MAC_B });
    const c = await nic(directory, { switch: 'lab', macAddress: '00-15-5D-00-00-0C', macAddressSpoofing: true });
    const atB = collectFrames(b.adapter);
    const stranger = macAddress('02:00:00:00:00:99');
    a.adapter.send(testFrame(b.adapter.mac, stranger, 60, 1));
    await vi.waitFor(() => expect(a.vsp.portCounters!.droppedSpoofed).toBe(1), { timeout: 10_000 });
    expect(a.vsp.counters().sendsRefused).toBe(1);
    c.adapter.send(testFrame(b.adapter.mac, stranger, 60, 2));
    await vi.waitFor(() => expect(atB.map((f) => f[20])).toEqual([2]), { timeout: 10_000 });
    expect(c.vsp.portCounters!.droppedSpoofed).toBe(0);
  });
});
