import { PAGE_SIZE } from '@tsvisor/hypervisor-core/guest';
import { ProtocolError } from '@tsvisor/wire';
import { describe, expect, it } from 'vitest';
import { ChannelMessageType as T, VMBUS_VERSIONS, VmbusVersion } from '../protocol/channel-messages.js';
import { ChannelManagementViolation } from './channel-management-violation.js';
import { ClientChannelState } from './client-channel-state.js';
import { ClientConnectionState } from './client-connection-state.js';
import { ClientGpadlState } from './client-gpadl-state.js';
import { ClientStateError } from './client-state-error.js';
import { build, pageRun } from './test-fixtures/channel-message-builders.js';
import { RecordingClientNotifier } from './test-fixtures/recording-notifiers.js';
import { FIRST_GPADL_HANDLE, VmbusClient, type VmbusClientOptions } from './vmbus-client.js';

const SCSI = 'ba6163d9-04a1-4d29-b605-72e2ffb1dc7f';
const NET = 'f8615163-df3e-46c5-913f-f2d2f965ed0e';
const DISK = '00112233-4455-6677-8899-aabbccddeeff';
const NIC = '11111111-2222-3333-4444-555555555555';
const G = FIRST_GPADL_HANDLE;

function newClient(options: VmbusClientOptions = {}) {
  const notifier = new RecordingClientNotifier();
  const client = new VmbusClient({ targetVcpu: 1, ...options }, notifier);
  return { client, notifier };
}

/** A connected client that knows a disk (relid 1) and a NIC (relid 2); effects cleared. */
function readyClient(options: VmbusClientOptions = {}) {
  const { client, notifier } = newClient(options);
  client.connect();
  client.receive(build.versionResponse(1, 4));
  client.receive(build.offerChannel(1, SCSI, DISK));
  client.receive(build.offerChannel(2, NET, NIC));
  client.receive(build.allOffersDelivered());
  notifier.take();
  return { client, notifier };
}

/** `readyClient` with a Created 4-page GPADL for the disk. */
function clientWithGpadl() {
  const ready = readyClient();
  const gpadl = ready.client.createGpadl(1, pageRun(100, 4));
  ready.client.receive(build.gpadlCreated(1, gpadl, 0));
  ready.notifier.take();
  return { ...ready, gpadl };
}

/** `clientWithGpadl` with the disk channel Open. */
function clientWithOpenChannel() {
  const ready = clientWithGpadl();
  ready.client.open(1, { gpadl: ready.gpadl, downstreamRingPageOffset: 2, targetVp: 0 });
  ready.client.receive(build.openResult(1, 0));
  ready.notifier.take();
  return ready;
}

function snapshot(client: VmbusClient) {
  return {
    connection: client.connectionState,
    version: client.version,
    messageConnectionId: client.messageConnectionId,
    offersDelivered: client.offersDelivered,
    channels: client.relids.map((relid) => client.channel(relid)),
    gpadls: client.gpadlHandles.map((handle) => ({ handle, ...client.gpadl(handle) })),
  };
}

describe('VmbusClient', () => {
  it('rejects an empty version list and out-of-range options', () => {
    const notifier = new RecordingClientNotifier();
    expect(() => new VmbusClient({ versions: [] }, notifier)).toThrow(RangeError);
    expect(() => new VmbusClient({ targetVcpu: -1 }, notifier)).toThrow(RangeError);
    expect(() => new VmbusClient({ maxOffers: 0 }, notifier)).toThrow(RangeError);
  });

  describe('connect', () => {
    it('proposes the newest version on its VP and SINT 2', () => {
      const { client, notifier } = newClient({ targetVcpu: 3 });
      client.connect();
      expect(notifier.sent).toEqual([
        expect.objectContaining({ name: 'INITIATE_CONTACT', vmbusVersionRequested: VmbusVersion.V5_3, targetVcpu: 3, msgSint: 2, msgVtl: 0 }),
      ]);
      expect(client.connectionState).toBe(ClientConnectionState.Contacting);
      expect(() => client.connect()).toThrow(ClientStateError);
    });

    it('falls back version by version, then reports connected() before it sends REQUESTOFFERS', () => {
      const { client, notifier } = newClient();
      client.connect();
      for (let refused = 0; refused < 6; refused++) client.receive(build.versionResponse(0));
      expect(notifier.sent.map((message) => message['vmbusVersionRequested'])).toEqual(VMBUS_VERSIONS.slice(0, 7));
      notifier.take();
      client.receive(build.versionResponse(1, 4));
      expect(notifier.effects[0]).toEqual({ kind: 'connected', args: [VmbusVersion.V3_0, 4] });
      expect(notifier.tags).toEqual(['connected', 'send:REQUESTOFFERS']);
      expect(client.version).toBe(VmbusVersion.V3_0);
      expect(client.messageConnectionId).toBe(4);
      expect(client.connectionState).toBe(ClientConnectionState.Connected);
    });

    it('reports connectFailed when every version is refused, and may connect again', () => {
      const { client, notifier } = newClient({ versions: [VmbusVersion.V5_0, VmbusVersion.V2_4] });
      client.connect();
      client.receive(build.versionResponse(0));
      client.receive(build.versionResponse(0));
      expect(notifier.tags).toEqual(['send:INITIATE_CONTACT', 'send:INITIATE_CONTACT', 'connectFailed']);
      expect(client.connectionState).toBe(ClientConnectionState.Disconnected);
      client.connect();
      expect(notifier.sent.at(-1)).toMatchObject({ vmbusVersionRequested: VmbusVersion.V5_0 });
    });

    it('treats versionSupported other than 0 and 1 as malformed', () => {
      const { client, notifier } = newClient();
      client.connect();
      notifier.take();
      client.receive(build.versionResponse(2));
      expect(notifier.violations[0]).toBeInstanceOf(ProtocolError);
      expect(client.connectionState).toBe(ClientConnectionState.Contacting);
    });
  });

  describe('offers', () => {
    it('keeps offers and reports them, then ALLOFFERS_DELIVERED once', () => {
      const { client, notifier } = newClient();
      client.connect();
      client.receive(build.versionResponse(1));
      notifier.take();
      client.receive(build.offerChannel(5, SCSI, DISK, 0, 0x2000));
      client.receive(build.allOffersDelivered());
      expect(notifier.tags).toEqual(['offer', 'allOffersDelivered']);
      expect(notifier.effects[0]).toMatchObject({ kind: 'offer', args: [{ childRelid: 5, connectionId: 0x2000, offer: { interfaceType: SCSI } }] });
      expect(client.channelState(5)).toBe(ClientChannelState.Offered);
      expect(client.offersDelivered).toBe(true);
      client.receive(build.allOffersDelivered());
      expect(notifier.tags.at(-1)).toBe('violation');
    });

    it('refuses an offer with relid 0, a known relid, a device offered already, or beyond maxOffers', () => {
      const { client, notifier } = readyClient({ maxOffers: 3 });
      const before = snapshot(client);
      client.receive(build.offerChannel(0, SCSI, NIC));
      client.receive(build.offerChannel(1, NET, DISK));
      client.receive(build.offerChannel(9, SCSI, DISK));
      expect(notifier.tags).toEqual(['violation', 'violation', 'violation']);
      expect(snapshot(client)).toEqual(before);
      client.receive(build.offerChannel(3, SCSI, DISK, 1));
      client.receive(build.offerChannel(4, SCSI, DISK, 2));
      expect(notifier.tags.slice(3)).toEqual(['offer', 'violation']);
      expect(notifier.violations.every((error) => error instanceof ChannelManagementViolation)).toBe(true);
    });
  });

  describe('GPADLs', () => {
    it('sends a 70-page GPADL as a header with 26 PFNs and bodies 1 and 2 with 28 and 16', () => {
      const { client, notifier } = readyClient();
      const pfns = pageRun(500, 70);
      const gpadl = client.createGpadl(1, pfns, 70 * PAGE_SIZE - 100);
      expect(gpadl).toBe(FIRST_GPADL_HANDLE);
      const [header, body1, body2] = notifier.sent;
      expect(header).toMatchObject({
        name: 'GPADL_HEADER',
        childRelid: 1,
        gpadl,
        rangeBufLen: 8 + 70 * 8,
        rangeCount: 1,
        range: { byteCount: 70 * PAGE_SIZE - 100, byteOffset: 0 },
        pfns: pfns.slice(0, 26),
      });
      expect(body1).toMatchObject({ name: 'GPADL_BODY', msgNumber: 1, gpadl, pfns: pfns.slice(26, 54) });
      expect(body2).toMatchObject({ name: 'GPADL_BODY', msgNumber: 2, gpadl, pfns: pfns.slice(54) });
      expect(notifier.sent).toHaveLength(3);
      expect(client.gpadlState(gpadl)).toBe(ClientGpadlState.Creating);
    });

    it('hands out distinct non-zero handles', () => {
      const { client } = readyClient();
      const handles = [1, 2, 1].map((relid) => client.createGpadl(relid, [relid]));
      expect(handles).toEqual([G, G + 1, G + 2]);
    });

    it('checks its arguments before sending anything', () => {
      const { client, notifier } = readyClient();
      expect(() => client.createGpadl(1, [])).toThrow(RangeError);
      expect(() => client.createGpadl(1, pageRun(0, 8191))).toThrow(RangeError);
      expect(() => client.createGpadl(1, [1, 2], PAGE_SIZE)).toThrow(RangeError);
      expect(() => client.createGpadl(1, [1], PAGE_SIZE + 1)).toThrow(RangeError);
      expect(() => client.createGpadl(1, [1, -2])).toThrow(RangeError);
      expect(() => client.createGpadl(1, [1, 0.5])).toThrow(RangeError);
      expect(() => client.createGpadl(7, [1])).toThrow(ClientStateError);
      expect(notifier.effects).toEqual([]);
      expect(client.gpadlHandles).toEqual([]);
    });

    it('GPADL_CREATED makes it Created, or forgets it on failure', () => {
      const { client, notifier } = readyClient();
      const ok = client.createGpadl(1, [1]);
      const refused = client.createGpadl(1, [2]);
      notifier.take();
      client.receive(build.gpadlCreated(1, ok, 0));
      client.receive(build.gpadlCreated(1, refused, 0xc000009a));
      expect(notifier.effects).toEqual([
        { kind: 'gpadlCreated', args: [ok, 0] },
        { kind: 'gpadlCreated', args: [refused, 0xc000009a] },
      ]);
      expect(client.gpadlState(ok)).toBe(ClientGpadlState.Created);
      expect(client.gpadlState(refused)).toBeUndefined();
    });

    it('refuses GPADL_CREATED for an unknown handle, another channel, or a GPADL not being created', () => {
      const { client, notifier, gpadl } = clientWithGpadl();
      const pending = client.createGpadl(1, [9]);
      notifier.take();
      const before = snapshot(client);
      client.receive(build.gpadlCreated(1, 0x77, 0));
      client.receive(build.gpadlCreated(2, pending, 0));
      client.receive(build.gpadlCreated(1, gpadl, 0));
      expect(notifier.tags).toEqual(['violation', 'violation', 'violation']);
      expect(snapshot(client)).toEqual(before);
    });

    it('tears down: GPADL_TEARDOWN, then gpadlTornDown on GPADL_TORNDOWN', () => {
      const { client, notifier, gpadl } = clientWithGpadl();
      client.teardownGpadl(gpadl);
      expect(notifier.sent).toEqual([expect.objectContaining({ name: 'GPADL_TEARDOWN', childRelid: 1, gpadl })]);
      expect(() => client.teardownGpadl(gpadl)).toThrow(ClientStateError);
      notifier.take();
      client.receive(build.gpadlTorndown(gpadl));
      expect(notifier.effects).toEqual([{ kind: 'gpadlTornDown', args: [gpadl] }]);
      client.receive(build.gpadlTorndown(gpadl));
      expect(notifier.tags.at(-1)).toBe('violation');
    });
  });

  describe('open and close', () => {
    it('opens with openId = relid and reports the result', () => {
      const { client, notifier, gpadl } = clientWithGpadl();
      client.open(1, { gpadl, downstreamRingPageOffset: 2, targetVp: 1, userData: new Uint8Array([7]) });
      expect(notifier.sent).toEqual([
        expect.objectContaining({ name: 'OPENCHANNEL', childRelid: 1, openId: 1, ringBufferGpadlHandle: gpadl, targetVp: 1, downstreamRingBufferPageOffset: 2 }),
      ]);
      expect(client.channelState(1)).toBe(ClientChannelState.Opening);
      notifier.take();
      client.receive(build.openResult(1, 0));
      expect(notifier.effects).toEqual([{ kind: 'openResult', args: [1, 0] }]);
      expect(client.channelState(1)).toBe(ClientChannelState.Open);
    });

    it('a refused open goes back to Offered (or Closed after an earlier open)', () => {
      const { client, gpadl } = clientWithGpadl();
      client.open(1, { gpadl, downstreamRingPageOffset: 2, targetVp: 0 });
      client.receive(build.openResult(1, 0xc000000d));
      expect(client.channelState(1)).toBe(ClientChannelState.Offered);
      client.open(1, { gpadl, downstreamRingPageOffset: 2, targetVp: 0 });
      client.receive(build.openResult(1, 0));
      client.close(1);
      client.open(1, { gpadl, downstreamRingPageOffset: 2, targetVp: 0 });
      client.receive(build.openResult(1, 1));
      expect(client.channelState(1)).toBe(ClientChannelState.Closed);
    });

    it('refuses an open without a Created GPADL of that channel, or on a channel that is not closed', () => {
      const { client, notifier, gpadl } = clientWithGpadl();
      const creating = client.createGpadl(2, [3]);
      notifier.take();
      expect(() => client.open(2, { gpadl, downstreamRingPageOffset: 2, targetVp: 0 })).toThrow(ClientStateError);
      expect(() => client.open(2, { gpadl: creating, downstreamRingPageOffset: 2, targetVp: 0 })).toThrow(ClientStateError);
      expect(() => client.open(1, { gpadl, downstreamRingPageOffset: 2, targetVp: 0, userData: new Uint8Array(121) })).toThrow(ProtocolError);
      client.open(1, { gpadl, downstreamRingPageOffset: 2, targetVp: 0 });
      expect(() => client.open(1, { gpadl, downstreamRingPageOffset: 2, targetVp: 0 })).toThrow(ClientStateError);
      expect(notifier.sent).toHaveLength(1);
      expect(client.channelState(1)).toBe(ClientChannelState.Opening);
    });

    it('refuses OPENCHANNEL_RESULT for a channel not opening or with another open id', () => {
      const { client, notifier, gpadl } = clientWithGpadl();
      client.receive(build.openResult(1, 0));
      client.open(1, { gpadl, downstreamRingPageOffset: 2, targetVp: 0 });
      notifier.take();
      client.receive(build.openResult(1, 0, 7));
      client.receive(build.openResult(99, 0));
      expect(notifier.tags).toEqual(['violation', 'violation']);
      expect(client.channelState(1)).toBe(ClientChannelState.Opening);
    });

    it('closes an open channel with CLOSECHANNEL (no answer expected)', () => {
      const { client, notifier } = clientWithOpenChannel();
      client.close(1);
      expect(notifier.sent).toEqual([expect.objectContaining({ name: 'CLOSECHANNEL', childRelid: 1 })]);
      expect(client.channelState(1)).toBe(ClientChannelState.Closed);
      expect(() => client.close(1)).toThrow(ClientStateError);
    });
  });

  describe('rescind', () => {
    it('a rescinded open channel may be closed once; its relid is released after its GPADL is torn down', () => {
      const { client, notifier, gpadl } = clientWithOpenChannel();
      client.receive(build.rescind(1));
      expect(notifier.take()).toEqual([{ kind: 'rescinded', args: [1] }]);
      expect(client.channelState(1)).toBe(ClientChannelState.Rescinded);
      expect(() => client.releaseRelid(1)).toThrow(ClientStateError); // its GPADL is still Created
      client.close(1);
      expect(() => client.close(1)).toThrow(ClientStateError);
      client.teardownGpadl(gpadl);
      client.releaseRelid(1);
      expect(client.channel(1)?.releasing).toBe(true);
      expect(notifier.tags).toEqual(['send:CLOSECHANNEL', 'send:GPADL_TEARDOWN']);
      notifier.take();
      client.receive(build.gpadlTorndown(gpadl));
      expect(notifier.tags).toEqual(['gpadlTornDown', 'send:RELID_RELEASED']);
      expect(client.relids).toEqual([2]);
      client.receive(build.offerChannel(1, SCSI, DISK));
      expect(client.channelState(1)).toBe(ClientChannelState.Offered);
    });

    it('releases at once when the channel holds no GPADL', () => {
      const { client, notifier } = readyClient();
      notifier.onRescinded = (relid) => client.releaseRelid(relid);
      client.receive(build.rescind(2));
      expect(notifier.tags).toEqual(['rescinded', 'send:RELID_RELEASED']);
      expect(client.channelState(2)).toBeUndefined();
    });

    it('still takes the result of an open that was pending at the rescind', () => {
      const { client, notifier, gpadl } = clientWithGpadl();
      client.open(1, { gpadl, downstreamRingPageOffset: 2, targetVp: 0 });
      client.receive(build.rescind(1));
      notifier.take();
      client.receive(build.openResult(1, 0xc000009d));
      expect(notifier.effects).toEqual([{ kind: 'openResult', args: [1, 0xc000009d] }]);
      client.receive(build.openResult(1, 0));
      expect(notifier.tags.at(-1)).toBe('violation');
      expect(() => client.close(1)).toThrow(ClientStateError);
    });

    it('refuses a rescind of an unknown or already rescinded channel', () => {
      const { client, notifier } = readyClient();
      client.receive(build.rescind(1));
      notifier.take();
      client.receive(build.rescind(1));
      client.receive(build.rescind(99));
      expect(notifier.tags).toEqual(['violation', 'violation']);
    });
  });

  describe('unload', () => {
    it('sends UNLOAD, still applies messages sent before the host saw it, and forgets everything on UNLOAD_RESPONSE', () => {
      const { client, notifier } = clientWithOpenChannel();
      client.unload();
      expect(notifier.tags).toEqual(['send:UNLOAD']);
      expect(() => client.close(1)).toThrow(ClientStateError);
      notifier.take();
      client.receive(build.rescind(2));
      client.receive(build.unloadResponse());
      expect(notifier.tags).toEqual(['rescinded', 'unloaded']);
      expect(snapshot(client)).toEqual({
        connection: 'Disconnected',
        version: undefined,
        messageConnectionId: undefined,
        offersDelivered: false,
        channels: [],
        gpadls: [],
      });
      client.receive(build.unloadResponse());
      expect(notifier.tags.at(-1)).toBe('violation');
    });

    it('refuses to unload before it is connected', () => {
      const { client } = newClient();
      expect(() => client.unload()).toThrow(ClientStateError);
      client.connect();
      expect(() => client.unload()).toThrow(ClientStateError);
    });
  });

  describe('malformed messages', () => {
    it.each([
      ['empty', new Uint8Array(0)],
      ['241 bytes', build.padded(build.offerChannel(3, SCSI, NIC), 45)],
      ['an unknown type', build.raw(0xffffffff)],
      ['a guest → host type', build.requestOffers()],
      ['PAUSE (not supported)', build.raw(T.PAUSE)],
      ['OFFERCHANNEL one byte short', build.offerChannel(3, SCSI, NIC).subarray(0, 195)],
      ['OFFERCHANNEL one byte long', build.padded(build.offerChannel(3, SCSI, NIC), 1)],
      ['GPADL_TORNDOWN one byte long', build.padded(build.gpadlTorndown(G), 1)],
    ])('reports %s as a ProtocolError and changes nothing', (_what, bytes) => {
      const { client, notifier } = readyClient();
      const before = snapshot(client);
      client.receive(bytes);
      expect(notifier.tags).toEqual(['violation']);
      expect(notifier.violations[0]).toBeInstanceOf(ProtocolError);
      expect(snapshot(client)).toEqual(before);
      expect(client.violations).toBe(1);
    });
  });
});
