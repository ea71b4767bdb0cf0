import { GuestMemory } from '@tsvisor/hypervisor-core';
import { PAGE_SIZE } from '@tsvisor/hypervisor-core/guest';
import { ProtocolError } from '@tsvisor/wire';
import { describe, expect, it } from 'vitest';
import { ChannelMessageType as T, VmbusVersion } from '../protocol/channel-messages.js';
import { ChannelManagementViolation } from './channel-management-violation.js';
import { ChannelState } from './channel-state.js';
import { ConnectionState } from './connection-state.js';
import { GpadlState } from './gpadl-state.js';
import { NtStatus } from './nt-status.js';
import { ServerStateError } from './server-state-error.js';
import { build, pageRun } from './test-fixtures/channel-message-builders.js';
import { RecordingServerNotifier } from './test-fixtures/recording-notifiers.js';
import { VmbusServer, type ChannelOfferSpec, type VmbusServerOptions } from './vmbus-server.js';

const SCSI = 'ba6163d9-04a1-4d29-b605-72e2ffb1dc7f';
const NET = 'f8615163-df3e-46c5-913f-f2d2f965ed0e';
const DISK = '00112233-4455-6677-8899-aabbccddeeff';
const NIC = '11111111-2222-3333-4444-555555555555';
const G = 0xe1e10;
const G2 = 0xe1e11;
/** 1024 pages; the top 8 are the hypervisor's. */
const memory = new GuestMemory(1024 * PAGE_SIZE, 8);
const RESERVED_PFN = 1020;
const OUTSIDE_PFN = 5000;

function newServer(options: Partial<VmbusServerOptions> = {}) {
  const notifier = new RecordingServerNotifier();
  const server = new VmbusServer({ memory, ...options }, notifier);
  return { server, notifier };
}

/** A server with a SCSI and a network channel offered, contacted, offers requested; effects cleared. */
function readyServer(options: Partial<VmbusServerOptions> = {}) {
  const { server, notifier } = newServer(options);
  const disk = server.offer({ interfaceType: SCSI, interfaceInstance: DISK });
  const nic = server.offer({ interfaceType: NET, interfaceInstance: NIC });
  server.receive(build.initiateContact());
  server.receive(build.requestOffers());
  notifier.take();
  return { server, notifier, disk, nic };
}

/** `readyServer` plus an Accepted 4-page ring GPADL `G` for the disk channel. */
function serverWithRingGpadl() {
  const ready = readyServer();
  ready.server.receive(build.gpadlHeader(ready.disk, G, pageRun(100, 4)));
  ready.server.acceptGpadl(G);
  ready.notifier.take();
  return ready;
}

/** `serverWithRingGpadl` with the disk channel Open. */
function serverWithOpenChannel() {
  const ready = serverWithRingGpadl();
  ready.server.receive(build.openChannel(ready.disk, G));
  ready.server.completeOpen(ready.disk, NtStatus.SUCCESS);
  ready.notifier.take();
  return ready;
}

function snapshot(server: VmbusServer) {
  return {
    connection: server.connectionState,
    version: server.version,
    vcpu: server.targetVcpu,
    channels: server.relids.map((relid) => server.channel(relid)),
    gpadls: server.gpadlHandles.map((handle) => ({ handle, ...server.gpadl(handle) })),
  };
}

describe('VmbusServer', () => {
  describe('construction', () => {
    it('rejects limits that are not positive integers and an empty version list', () => {
      const notifier = new RecordingServerNotifier();
      expect(() => new VmbusServer({ memory, versions: [] }, notifier)).toThrow(RangeError);
      expect(() => new VmbusServer({ memory, maxGpadls: 0 }, notifier)).toThrow(RangeError);
      expect(() => new VmbusServer({ memory, maxGpadlPages: 1.5 }, notifier)).toThrow(RangeError);
      expect(() => new VmbusServer({ memory, messageConnectionId: -1 }, notifier)).toThrow(RangeError);
    });

    it('starts Disconnected with nothing offered', () => {
      const { server } = newServer();
      expect(snapshot(server)).toEqual({ connection: 'Disconnected', version: undefined, vcpu: undefined, channels: [], gpadls: [] });
      expect(server.violations).toBe(0);
    });
  });

  describe('contact and version negotiation', () => {
    it('accepts a supported version: VERSION_RESPONSE with the message connection id, then connected()', () => {
      const { server, notifier } = newServer({ messageConnectionId: 4 });
      server.receive(build.initiateContact(VmbusVersion.V5_3, 3));
      expect(notifier.tags).toEqual(['send:VERSION_RESPONSE=ok', 'connected']);
      expect(notifier.sent[0]).toMatchObject({ versionSupported: 1, connectionState: 0, msgConnId: 4 });
      expect(notifier.effects[1]).toEqual({ kind: 'connected', args: [VmbusVersion.V5_3] });
      expect(server.connectionState).toBe(ConnectionState.Connected);
      expect(server.version).toBe(VmbusVersion.V5_3);
      expect(server.targetVcpu).toBe(3);
    });

    it('refuses an unsupported version with versionSupported 0, without a violation, and stays Disconnected', () => {
      const { server, notifier } = newServer({ versions: [VmbusVersion.V3_0] });
      server.receive(build.initiateContact(VmbusVersion.V5_3, 2));
      expect(notifier.tags).toEqual(['send:VERSION_RESPONSE=fail']);
      expect(notifier.sent[0]).toMatchObject({ versionSupported: 0, msgConnId: 0 });
      expect(server.connectionState).toBe(ConnectionState.Disconnected);
      expect(server.targetVcpu).toBe(2); // the answer goes to the VP that asked
      expect(server.violations).toBe(0);
      server.receive(build.initiateContact(VmbusVersion.V3_0, 2));
      expect(server.version).toBe(VmbusVersion.V3_0);
    });

    it('from 5.0 on, requires message SINT 2 and VTL 0; before 5.0 those bytes are ignored', () => {
      const { server, notifier } = newServer();
      server.receive(build.initiateContact(VmbusVersion.V5_0, 0, 3));
      server.receive(build.initiateContact(VmbusVersion.V5_0, 0, 2, 1));
      expect(notifier.tags).toEqual(['send:VERSION_RESPONSE=fail', 'send:VERSION_RESPONSE=fail']);
      server.receive(build.initiateContact(VmbusVersion.V4_1, 0, 0x5a, 0x77));
      expect(server.version).toBe(VmbusVersion.V4_1);
    });

    it('a second INITIATE_CONTACT while connected is a violation and changes nothing', () => {
      const { server, notifier } = newServer();
      server.receive(build.initiateContact(VmbusVersion.V5_3, 1));
      notifier.take();
      server.receive(build.initiateContact(VmbusVersion.V4_0, 2));
      expect(notifier.tags).toEqual(['violation']);
      const [error] = notifier.violations;
      expect(error).toBeInstanceOf(ChannelManagementViolation);
      expect(error).toMatchObject({ messageType: T.INITIATE_CONTACT, state: 'Connected' });
      expect(server.version).toBe(VmbusVersion.V5_3);
      expect(server.targetVcpu).toBe(1);
      expect(server.violations).toBe(1);
    });
  });

  describe('offers', () => {
    it('sends offers made before REQUESTOFFERS when it arrives, primaries first, then ALLOFFERS_DELIVERED', () => {
      const { server, notifier } = newServer();
      const sub = server.offer({ interfaceType: SCSI, interfaceInstance: DISK, subChannelIndex: 1 });
      const primary = server.offer({ interfaceType: SCSI, interfaceInstance: DISK });
      server.receive(build.initiateContact());
      notifier.take();
      expect(server.channelState(primary)).toBe(ChannelState.ClientReleased);
      server.receive(build.requestOffers());
      expect(notifier.tags).toEqual(['send:OFFERCHANNEL', 'send:OFFERCHANNEL', 'send:ALLOFFERS_DELIVERED']);
      expect(notifier.sent.slice(0, 2).map((message) => message['childRelid'])).toEqual([primary, sub]);
      expect(server.connectionState).toBe(ConnectionState.OffersRequested);
      expect(server.channelState(primary)).toBe(ChannelState.Closed);
      expect(server.channelState(sub)).toBe(ChannelState.Closed);
    });

    it('sends an offer at once once the guest has asked for offers', () => {
      const { server, notifier } = readyServer();
      const relid = server.offer({ interfaceType: SCSI, interfaceInstance: NIC, channelFlags: 0x10, mmioMegabytes: 2 });
      expect(notifier.tags).toEqual(['send:OFFERCHANNEL']);
      expect(notifier.sent[0]).toMatchObject({
        childRelid: relid,
        connectionId: 0x10000 + relid,
        monitorAllocated: 0,
        isDedicatedInterrupt: 1,
        offer: { interfaceType: SCSI, interfaceInstance: NIC, channelFlags: 0x10, mmioMegabytes: 2, subChannelIndex: 0 },
      });
    });

    it('offers sub-channels with the primary’s type and instance and their own index, relid and connection id', () => {
      const { server, notifier } = readyServer();
      const relids = [1, 2, 3].map((index) => server.offer({ interfaceType: SCSI, interfaceInstance: DISK, subChannelIndex: index }));
      expect(relids).toEqual([3, 4, 5]);
      expect(notifier.sent.map((message) => message['offer'])).toEqual(
        [1, 2, 3].map((index) => expect.objectContaining({ interfaceType: SCSI, interfaceInstance: DISK, subChannelIndex: index })),
      );
      expect(relids.map((relid) => server.connectionIdOf(relid))).toEqual([0x10003, 0x10004, 0x10005]);
    });

    it('canonicalises GUIDs and refuses to offer the same device twice', () => {
      const { server } = newServer();
      server.offer({ interfaceType: SCSI.toUpperCase(), interfaceInstance: `{${DISK}}` });
      expect(server.channel(1)?.offer.interfaceType).toBe(SCSI);
      expect(() => server.offer({ interfaceType: SCSI, interfaceInstance: DISK })).toThrow(ServerStateError);
      expect(server.relids).toEqual([1]);
    });

    it('refuses offers whose fields do not fit the wire, and connection ids already used', () => {
      const { server } = newServer({ messageConnectionId: 7 });
      const bad: ChannelOfferSpec[] = [
        { interfaceType: 'not a guid', interfaceInstance: DISK },
        { interfaceType: SCSI, interfaceInstance: DISK, userDefined: new Uint8Array(121) },
        { interfaceType: SCSI, interfaceInstance: DISK, subChannelIndex: 0x10000 },
      ];
      for (const spec of bad) expect(() => server.offer(spec)).toThrow(ProtocolError);
      expect(() => server.offer({ interfaceType: SCSI, interfaceInstance: DISK, connectionId: 7 })).toThrow(ServerStateError);
      expect(() => server.offer({ interfaceType: SCSI, interfaceInstance: DISK, connectionId: 0 })).toThrow(RangeError);
      server.offer({ interfaceType: SCSI, interfaceInstance: DISK, connectionId: 0x500 });
      expect(() => server.offer({ interfaceType: NET, interfaceInstance: NIC, connectionId: 0x500 })).toThrow(ServerStateError);
      expect(server.relids).toEqual([1]);
    });

    it('allocates relids from 1, lowest free first, and reuses one only after RELID_RELEASED', () => {
      const { server, notifier, disk, nic } = readyServer();
      expect([disk, nic]).toEqual([1, 2]);
      server.rescind(disk);
      expect(server.offer({ interfaceType: SCSI, interfaceInstance: NIC })).toBe(3);
      server.receive(build.relidReleased(disk));
      expect(notifier.tags).toContain('relidReleased');
      expect(server.offer({ interfaceType: NET, interfaceInstance: DISK })).toBe(1);
    });

    it('forgets at once a rescinded offer the guest never saw, and reuses its relid', () => {
      const { server, notifier } = newServer();
      const relid = server.offer({ interfaceType: SCSI, interfaceInstance: DISK });
      server.rescind(relid);
      expect(server.relids).toEqual([]);
      expect(notifier.effects).toEqual([]);
      expect(server.offer({ interfaceType: SCSI, interfaceInstance: DISK })).toBe(relid);
    });
  });

  describe('GPADLs', () => {
    it('assembles a GPADL from a header and two bodies (70 PFNs) and offers it to the host', () => {
      const { server, notifier, disk } = readyServer();
      const pfns = pageRun(200, 70);
      const messages = build.gpadl(disk, G, pfns);
      expect(messages.map((message) => message.length)).toEqual([28 + 26 * 8, 16 + 28 * 8, 16 + 16 * 8]);
      server.receive(messages[0]!);
      expect(server.gpadlState(G)).toBe(GpadlState.InProgress);
      expect(server.gpadl(G)?.pfns).toHaveLength(26);
      server.receive(messages[1]!);
      expect(server.gpadl(G)?.pfns).toHaveLength(54);
      expect(notifier.effects).toEqual([]);
      server.receive(messages[2]!);
      expect(notifier.effects).toEqual([
        { kind: 'gpadlOffered', args: [disk, G, { pfns, byteCount: 70 * PAGE_SIZE, byteOffset: 0 }] },
      ]);
      expect(server.gpadl(G)).toEqual({ relid: disk, state: GpadlState.Offered, pfns, byteCount: 70 * PAGE_SIZE, byteOffset: 0, pageCount: 70 });
    });

    it('accepting sends GPADL_CREATED 0; refusing sends the status and forgets the GPADL', () => {
      const { server, notifier, disk } = readyServer();
      server.receive(build.gpadlHeader(disk, G, pageRun(10, 3)));
      server.receive(build.gpadlHeader(disk, G2, pageRun(20, 3)));
      notifier.take();
      server.acceptGpadl(G);
      server.refuseGpadl(G2, NtStatus.INSUFFICIENT_RESOURCES);
      expect(notifier.sent).toEqual([
        expect.objectContaining({ name: 'GPADL_CREATED', childRelid: disk, gpadl: G, creationStatus: 0 }),
        expect.objectContaining({ name: 'GPADL_CREATED', childRelid: disk, gpadl: G2, creationStatus: NtStatus.INSUFFICIENT_RESOURCES }),
      ]);
      expect(server.gpadlState(G)).toBe(GpadlState.Accepted);
      expect(server.gpadlState(G2)).toBeUndefined();
      expect(() => server.refuseGpadl(G, 0)).toThrow(RangeError);
    });

    it('accepts a range that starts inside its first page when the PFN count matches', () => {
      const { server, notifier, disk } = readyServer();
      // 100 bytes at offset 4000 straddle two pages.
      server.receive(build.gpadlHeader(disk, G, [5, 6], { byteOffset: 4000, byteCount: 100 }));
      expect(notifier.effects).toEqual([{ kind: 'gpadlOffered', args: [disk, G, { pfns: [5, 6], byteCount: 100, byteOffset: 4000 }] }]);
    });

    it.each([
      ['a hypervisor-reserved page', RESERVED_PFN],
      ['a page outside guest memory', OUTSIDE_PFN],
      ['a PFN beyond 2^53', 2n ** 60n],
    ['the largest u64 PFN', 2n ** 64n - 1n],
    ])('a header naming %s gets GPADL_CREATED with INVALID_PARAMETER and leaves nothing behind', (_what, pfn) => {
      const { server, notifier, disk } = readyServer();
      const before = snapshot(server);
      server.receive(build.gpadlHeader(disk, G, [10, pfn, 12]));
      expect(notifier.tags).toEqual(['violation', 'send:GPADL_CREATED=fail']);
      expect(notifier.sent[0]).toMatchObject({ gpadl: G, creationStatus: NtStatus.INVALID_PARAMETER });
      expect(notifier.violations[0]).toMatchObject({ messageType: T.GPADL_HEADER, gpadl: G, relid: disk });
      expect(snapshot(server)).toEqual(before);
    });

    it('a bad PFN in a body drops the partial GPADL with GPADL_CREATED failure; its later bodies are violations', () => {
      const { server, notifier, disk } = readyServer();
      const pfns = pageRun(300, 60);
      pfns[40] = RESERVED_PFN;
      const [header, body1, body2] = build.gpadl(disk, G, pfns);
      server.receive(header!);
      server.receive(body1!);
      expect(notifier.tags).toEqual(['violation', 'send:GPADL_CREATED=fail']);
      expect(server.gpadlState(G)).toBeUndefined();
      notifier.take();
      server.receive(body2!);
      expect(notifier.tags).toEqual(['violation']);
      expect(notifier.violations[0]).toMatchObject({ messageType: T.GPADL_BODY, state: 'absent', gpadl: G });
    });

    it('a body out of sequence is a violation that changes nothing; the right one still completes', () => {
      const { server, notifier, disk } = readyServer();
      const [header, body1, body2] = build.gpadl(disk, G, pageRun(300, 60));
      server.receive(header!);
      const before = snapshot(server);
      server.receive(body2!); // msgNumber 2 where 1 is due
      server.receive(build.gpadlBody(0, G, pageRun(326, 28))); // Linux's 0 is not accepted either
      server.receive(build.gpadlBody(1, G, pageRun(326, 27))); // one PFN short
      expect(notifier.tags).toEqual(['violation', 'violation', 'violation']);
      expect(snapshot(server)).toEqual(before);
      server.receive(body1!);
      server.receive(body2!);
      expect(server.gpadlState(G)).toBe(GpadlState.Offered);
    });

    it('refuses handle 0 and a handle in use without an answer', () => {
      const { server, notifier, disk, nic } = readyServer();
      server.receive(build.gpadlHeader(disk, G, [1]));
      notifier.take();
      const before = snapshot(server);
      server.receive(build.gpadlHeader(disk, 0, [2]));
      server.receive(build.gpadlHeader(nic, G, [3]));
      expect(notifier.tags).toEqual(['violation', 'violation']);
      expect(notifier.violations.map((error) => error instanceof ChannelManagementViolation && error.gpadl)).toEqual([0, G]);
      expect(snapshot(server)).toEqual(before);
    });

    it('refuses a GPADL beyond maxGpadls or maxGpadlPages with INSUFFICIENT_RESOURCES, and counts pages back on teardown', () => {
      const { server, notifier, disk } = readyServer({ maxGpadls: 2, maxGpadlPages: 10 });
      server.receive(build.gpadlHeader(disk, 1, pageRun(0, 6)));
      server.receive(build.gpadlHeader(disk, 2, pageRun(10, 5))); // 11 pages > 10
      server.receive(build.gpadlHeader(disk, 3, pageRun(20, 4)));
      server.receive(build.gpadlHeader(disk, 4, pageRun(30, 1))); // a third GPADL
      expect(notifier.tags).toEqual([
        'gpadlOffered',
        'violation',
        'send:GPADL_CREATED=fail',
        'gpadlOffered',
        'violation',
        'send:GPADL_CREATED=fail',
      ]);
      expect(notifier.sent.map((message) => message['creationStatus'])).toEqual([
        NtStatus.INSUFFICIENT_RESOURCES,
        NtStatus.INSUFFICIENT_RESOURCES,
      ]);
      server.acceptGpadl(1);
      server.receive(build.gpadlTeardown(disk, 1));
      server.completeGpadlTeardown(1);
      notifier.take();
      server.receive(build.gpadlHeader(disk, 2, pageRun(10, 5)));
      expect(notifier.tags).toEqual(['gpadlOffered']);
    });

    it('tears an Accepted GPADL down: gpadlTeardownRequested, then GPADL_TORNDOWN when the host is done', () => {
      const { server, notifier, disk } = serverWithRingGpadl();
      server.receive(build.gpadlTeardown(disk, G));
      expect(notifier.take()).toEqual([{ kind: 'gpadlTeardownRequested', args: [disk, G] }]);
      expect(server.gpadlState(G)).toBe(GpadlState.TearingDown);
      server.completeGpadlTeardown(G);
      expect(notifier.sent).toEqual([expect.objectContaining({ name: 'GPADL_TORNDOWN', gpadl: G })]);
      expect(server.gpadlState(G)).toBeUndefined();
    });

    it('a teardown before the host answered waits for the answer: accept → CREATED then teardown; refuse → CREATED and TORNDOWN', () => {
      const { server, notifier, disk } = readyServer();
      server.receive(build.gpadlHeader(disk, G, [1]));
      server.receive(build.gpadlHeader(disk, G2, [2]));
      server.receive(build.gpadlTeardown(disk, G));
      server.receive(build.gpadlTeardown(disk, G2));
      expect(server.gpadlState(G)).toBe(GpadlState.OfferedTearingDown);
      notifier.take();
      server.acceptGpadl(G);
      expect(notifier.tags).toEqual(['send:GPADL_CREATED=ok', 'gpadlTeardownRequested']);
      expect(server.gpadlState(G)).toBe(GpadlState.TearingDown);
      notifier.take();
      server.refuseGpadl(G2, NtStatus.INVALID_PARAMETER);
      expect(notifier.tags).toEqual(['send:GPADL_CREATED=fail', 'send:GPADL_TORNDOWN']);
      expect(server.gpadlState(G2)).toBeUndefined();
    });

    it('refuses a teardown naming another channel, an unknown handle, or a GPADL still being described', () => {
      const { server, notifier, disk, nic } = serverWithRingGpadl();
      server.receive(build.gpadlHeader(disk, G2, pageRun(0, 30)));
      const before = snapshot(server);
      server.receive(build.gpadlTeardown(nic, G));
      server.receive(build.gpadlTeardown(disk, 0x77));
      server.receive(build.gpadlTeardown(disk, G2));
      expect(notifier.tags).toEqual(['violation', 'violation', 'violation']);
      expect(snapshot(server)).toEqual(before);
    });
  });

  describe('open and close', () => {
    it('passes a valid OPENCHANNEL to the host and answers with its status', () => {
      const { server, notifier, disk } = serverWithRingGpadl();
      server.receive(build.openChannel(disk, G, 2, 0x1234, 1));
      expect(notifier.effects).toEqual([
        { kind: 'openRequested', args: [disk, { openId: 0x1234, gpadl: G, targetVp: 1, downstreamRingPageOffset: 2, userData: expect.any(Uint8Array) }] },
      ]);
      expect(server.channelState(disk)).toBe(ChannelState.Opening);
      expect(server.channel(disk)?.awaitingHost).toBe('open');
      notifier.take();
      server.completeOpen(disk, NtStatus.SUCCESS);
      expect(notifier.sent).toEqual([expect.objectContaining({ name: 'OPENCHANNEL_RESULT', childRelid: disk, openId: 0x1234, status: 0 })]);
      expect(server.channelState(disk)).toBe(ChannelState.Open);
      expect(server.channel(disk)?.openRequest?.gpadl).toBe(G);
    });

    it('a host refusal of the open reaches the guest and leaves the channel Closed', () => {
      const { server, notifier, disk } = serverWithRingGpadl();
      server.receive(build.openChannel(disk, G));
      notifier.take();
      server.completeOpen(disk, 0xc0000001);
      expect(notifier.sent).toEqual([expect.objectContaining({ name: 'OPENCHANNEL_RESULT', status: 0xc0000001 })]);
      expect(server.channelState(disk)).toBe(ChannelState.Closed);
    });

    it.each([
      ['an unknown GPADL', (disk: number) => build.openChannel(disk, 0x77)],
      ['a GPADL of another channel', (disk: number) => build.openChannel(disk + 1, G)],
      ['a ring offset leaving the upstream ring one page', (disk: number) => build.openChannel(disk, G, 1)],
      ['a ring offset leaving the downstream ring one page', (disk: number) => build.openChannel(disk, G, 3)],
      ['a ring offset past the GPADL', (disk: number) => build.openChannel(disk, G, 9)],
      ['an unknown channel', () => build.openChannel(99, G)],
    ])('refuses an open naming %s: OPENCHANNEL_RESULT failure, channel unchanged', (_what, message) => {
      const { server, notifier, disk } = serverWithRingGpadl();
      const before = snapshot(server);
      server.receive(message(disk));
      expect(notifier.tags).toEqual(['violation', 'send:OPENCHANNEL_RESULT=fail']);
      expect(snapshot(server)).toEqual(before);
    });

    it('refuses an open on a GPADL that is not Accepted yet, or is not whole pages', () => {
      const { server, notifier, disk } = readyServer();
      server.receive(build.gpadlHeader(disk, G, pageRun(0, 4)));
      server.receive(build.gpadlHeader(disk, G2, pageRun(10, 4), { byteCount: 4 * PAGE_SIZE - 8 }));
      server.acceptGpadl(G2);
      notifier.take();
      server.receive(build.openChannel(disk, G));
      server.receive(build.openChannel(disk, G2));
      expect(notifier.tags).toEqual(['violation', 'send:OPENCHANNEL_RESULT=fail', 'violation', 'send:OPENCHANNEL_RESULT=fail']);
      expect(server.channelState(disk)).toBe(ChannelState.Closed);
    });

    it('a second OPENCHANNEL on an Opening or Open channel is a violation without an answer', () => {
      const { server, notifier, disk } = serverWithRingGpadl();
      server.receive(build.openChannel(disk, G));
      notifier.take();
      server.receive(build.openChannel(disk, G));
      server.completeOpen(disk, 0);
      server.receive(build.openChannel(disk, G));
      expect(notifier.tags).toEqual(['violation', 'send:OPENCHANNEL_RESULT=ok', 'violation']);
    });

    it('closes on CLOSECHANNEL once the host confirms, and opens again', () => {
      const { server, notifier, disk } = serverWithOpenChannel();
      server.receive(build.closeChannel(disk));
      expect(notifier.take()).toEqual([{ kind: 'closeRequested', args: [disk] }]);
      expect(server.channelState(disk)).toBe(ChannelState.Closing);
      server.receive(build.closeChannel(disk));
      expect(notifier.tags).toEqual(['violation']);
      server.completeClose(disk);
      expect(server.channelState(disk)).toBe(ChannelState.Closed);
      expect(server.channel(disk)?.openRequest).toBeUndefined();
      server.receive(build.openChannel(disk, G));
      expect(server.channelState(disk)).toBe(ChannelState.Opening);
    });

    it('an open that arrives while closing is served once the close is done (ClosingReopen)', () => {
      const { server, notifier, disk } = serverWithOpenChannel();
      server.receive(build.closeChannel(disk));
      server.receive(build.openChannel(disk, G, 2, 77));
      expect(server.channelState(disk)).toBe(ChannelState.ClosingReopen);
      notifier.take();
      server.completeClose(disk);
      expect(notifier.effects).toEqual([{ kind: 'openRequested', args: [disk, expect.objectContaining({ openId: 77 })] }]);
      expect(server.channelState(disk)).toBe(ChannelState.Opening);
    });

    it('a reopen whose GPADL went away meanwhile is refused when the close completes', () => {
      const { server, notifier, disk } = serverWithOpenChannel();
      server.receive(build.closeChannel(disk));
      server.receive(build.openChannel(disk, G));
      server.receive(build.gpadlTeardown(disk, G));
      server.completeGpadlTeardown(G);
      notifier.take();
      server.completeClose(disk);
      expect(notifier.tags).toEqual(['send:OPENCHANNEL_RESULT=fail']);
      expect(server.channelState(disk)).toBe(ChannelState.Closed);
    });

    it('CLOSECHANNEL of a channel that is not open is a violation', () => {
      const { server, notifier, disk } = serverWithRingGpadl();
      server.receive(build.closeChannel(disk));
      server.receive(build.closeChannel(99));
      expect(notifier.tags).toEqual(['violation', 'violation']);
    });
  });

  describe('rescind and release', () => {
    it('rescinds a closed channel: RESCIND_CHANNELOFFER, Revoked, then relidReleased on RELID_RELEASED', () => {
      const { server, notifier, disk } = readyServer();
      server.rescind(disk);
      expect(notifier.sent).toEqual([expect.objectContaining({ name: 'RESCIND_CHANNELOFFER', childRelid: disk })]);
      expect(server.channelState(disk)).toBe(ChannelState.Revoked);
      notifier.take();
      server.receive(build.relidReleased(disk));
      expect(notifier.take()).toEqual([{ kind: 'relidReleased', args: [disk] }]);
      expect(server.channelState(disk)).toBeUndefined();
      server.receive(build.relidReleased(disk));
      expect(notifier.tags).toEqual(['violation']);
    });

    it('rescinding an open channel asks the host to close it; the guest may still send one CLOSECHANNEL', () => {
      const { server, notifier, disk } = serverWithOpenChannel();
      server.rescind(disk);
      expect(notifier.tags).toEqual(['send:RESCIND_CHANNELOFFER', 'closeRequested']);
      expect(server.channel(disk)).toMatchObject({ state: ChannelState.Revoked, awaitingHost: 'close' });
      notifier.take();
      server.receive(build.closeChannel(disk));
      expect(notifier.tags).toEqual([]);
      server.receive(build.closeChannel(disk));
      expect(notifier.tags).toEqual(['violation']);
    });

    it('frees the relid only when both the guest released it and the host closed it, in either order', () => {
      const { server, notifier, disk } = serverWithOpenChannel();
      server.rescind(disk);
      server.receive(build.gpadlTeardown(disk, G));
      server.completeGpadlTeardown(G);
      notifier.take();
      server.receive(build.relidReleased(disk));
      expect(server.channel(disk)).toMatchObject({ state: ChannelState.Revoked, released: true });
      expect(notifier.tags).toEqual([]);
      server.completeClose(disk);
      expect(notifier.take()).toEqual([{ kind: 'relidReleased', args: [disk] }]);
      expect(server.relids).not.toContain(disk);
    });

    it('refuses RELID_RELEASED while GPADLs of the channel remain (close, teardown, then release)', () => {
      const { server, notifier, disk } = serverWithRingGpadl();
      server.rescind(disk);
      notifier.take();
      const before = snapshot(server);
      server.receive(build.relidReleased(disk));
      expect(notifier.tags).toEqual(['violation']);
      expect(snapshot(server)).toEqual(before);
    });

    it('an open pending at the rescind is answered by the host as usual; the guest gets no result, a success is closed again', () => {
      const { server, notifier, disk } = serverWithRingGpadl();
      server.receive(build.openChannel(disk, G));
      server.rescind(disk);
      notifier.take();
      server.completeOpen(disk, NtStatus.SUCCESS);
      expect(notifier.take()).toEqual([{ kind: 'closeRequested', args: [disk] }]);
      server.completeClose(disk);
      expect(notifier.effects).toEqual([]);
      expect(server.channel(disk)?.awaitingHost).toBeUndefined();
    });

    it('refuses OPENCHANNEL and GPADL_HEADER for a rescinded channel with a failure answer', () => {
      const { server, notifier, disk } = serverWithRingGpadl();
      server.rescind(disk);
      notifier.take();
      server.receive(build.openChannel(disk, G));
      server.receive(build.gpadlHeader(disk, G2, [1]));
      expect(notifier.tags).toEqual(['violation', 'send:OPENCHANNEL_RESULT=fail', 'violation', 'send:GPADL_CREATED=fail']);
      expect(notifier.sent[0]).toMatchObject({ status: NtStatus.DEVICE_NOT_CONNECTED });
    });

    it('re-offers the same device under the same relid once the old one is released (Reoffered)', () => {
      const { server, notifier, disk } = readyServer();
      server.rescind(disk);
      expect(server.offer({ interfaceType: SCSI, interfaceInstance: DISK, userDefined: new Uint8Array([9]) })).toBe(disk);
      expect(server.channelState(disk)).toBe(ChannelState.Reoffered);
      expect(() => server.offer({ interfaceType: SCSI, interfaceInstance: DISK })).toThrow(ServerStateError);
      notifier.take();
      server.receive(build.relidReleased(disk));
      expect(notifier.tags).toEqual(['relidReleased', 'send:OFFERCHANNEL']);
      expect(notifier.sent[0]).toMatchObject({ childRelid: disk, offer: { userDefined: expect.objectContaining({ 0: 9 }) } });
      expect(server.channelState(disk)).toBe(ChannelState.Closed);
    });

    it('refuses to rescind twice or an unknown channel', () => {
      const { server, disk } = readyServer();
      server.rescind(disk);
      expect(() => server.rescind(disk)).toThrow(ServerStateError);
      expect(() => server.rescind(99)).toThrow(ServerStateError);
    });
  });

  describe('unload', () => {
    it('with nothing open, answers UNLOAD_RESPONSE at once and offers everything again after a new contact', () => {
      const { server, notifier, disk, nic } = readyServer();
      server.receive(build.unload());
      expect(notifier.tags).toEqual(['send:UNLOAD_RESPONSE', 'unloaded']);
      expect(server.connectionState).toBe(ConnectionState.Disconnected);
      expect(server.version).toBeUndefined();
      expect([disk, nic].map((relid) => server.channelState(relid))).toEqual(['ClientReleased', 'ClientReleased']);
      notifier.take();
      server.receive(build.initiateContact());
      server.receive(build.requestOffers());
      expect(notifier.tags).toEqual(['send:VERSION_RESPONSE=ok', 'connected', 'send:OFFERCHANNEL', 'send:OFFERCHANNEL', 'send:ALLOFFERS_DELIVERED']);
    });

    it('closes open channels and releases GPADLs first; UNLOAD_RESPONSE goes out when the host has answered everything', () => {
      const { server, notifier, disk, nic } = serverWithOpenChannel();
      server.receive(build.gpadlHeader(nic, G2, [50])); // Offered, not answered yet
      server.receive(build.gpadlHeader(nic, 0x99, pageRun(0, 40))); // InProgress: simply dropped
      notifier.take();
      server.receive(build.unload());
      expect(notifier.take()).toEqual([
        { kind: 'closeRequested', args: [disk] },
        { kind: 'gpadlTeardownRequested', args: [disk, G] },
      ]);
      expect(server.connectionState).toBe(ConnectionState.Unloading);
      expect(server.gpadlHandles).toEqual([G, G2]);
      server.receive(build.closeChannel(disk)); // nothing from the guest is acceptable now
      expect(notifier.take().map((effect) => effect.kind)).toEqual(['violation']);
      server.completeClose(disk);
      server.completeGpadlTeardown(G);
      expect(notifier.take()).toEqual([]); // G2 still awaits the host
      server.acceptGpadl(G2);
      expect(notifier.take()).toEqual([{ kind: 'gpadlTeardownRequested', args: [nic, G2] }]);
      server.completeGpadlTeardown(G2);
      expect(notifier.tags).toEqual(['send:UNLOAD_RESPONSE', 'unloaded']);
      expect(snapshot(server)).toMatchObject({ connection: 'Disconnected', gpadls: [] });
      expect(server.relids.map((relid) => server.channelState(relid))).toEqual(['ClientReleased', 'ClientReleased']);
    });

    it('treats rescinded channels as released by the UNLOAD', () => {
      const { server, notifier, disk, nic } = readyServer();
      server.rescind(disk);
      server.rescind(nic);
      server.offer({ interfaceType: NET, interfaceInstance: NIC });
      notifier.take();
      server.receive(build.unload());
      expect(notifier.tags).toEqual(['relidReleased', 'relidReleased', 'send:UNLOAD_RESPONSE', 'unloaded']);
      expect(server.relids).toEqual([nic]);
      expect(server.channelState(nic)).toBe(ChannelState.ClientReleased);
    });

    it('an open pending at the UNLOAD is closed again by the host without a result to the guest', () => {
      const { server, notifier, disk } = serverWithRingGpadl();
      server.receive(build.openChannel(disk, G));
      server.receive(build.unload());
      server.completeGpadlTeardown(G);
      notifier.take();
      server.completeOpen(disk, NtStatus.SUCCESS);
      expect(notifier.take()).toEqual([{ kind: 'closeRequested', args: [disk] }]);
      server.completeClose(disk);
      expect(notifier.tags).toEqual(['send:UNLOAD_RESPONSE', 'unloaded']);
    });

    it('a rescind during the UNLOAD tells the guest nothing', () => {
      const { server, notifier, disk } = serverWithOpenChannel();
      server.receive(build.unload());
      server.rescind(disk);
      server.completeGpadlTeardown(G);
      notifier.take();
      server.completeClose(disk);
      expect(notifier.tags).toEqual(['relidReleased', 'send:UNLOAD_RESPONSE', 'unloaded']);
      expect(server.relids).not.toContain(disk);
    });
  });

  describe('host API misuse', () => {
    it('throws ServerStateError and changes nothing when no answer is due', () => {
      const { server, notifier, disk } = serverWithRingGpadl();
      const before = snapshot(server);
      expect(() => server.acceptGpadl(G)).toThrow(ServerStateError);
      expect(() => server.refuseGpadl(0x77, 1)).toThrow(ServerStateError);
      expect(() => server.completeGpadlTeardown(G)).toThrow(ServerStateError);
      expect(() => server.completeOpen(disk, 0)).toThrow(ServerStateError);
      expect(() => server.completeClose(disk)).toThrow(ServerStateError);
      expect(() => server.completeOpen(disk, -1)).toThrow(RangeError);
      expect(() => server.connectionIdOf(99)).toThrow(ServerStateError);
      expect(snapshot(server)).toEqual(before);
      expect(notifier.effects).toEqual([]);
    });
  });

  describe('effects', () => {
    it('are delivered after the transition, so callbacks may answer at once; order is kept', () => {
      const { server, notifier, disk } = readyServer();
      notifier.onGpadlOffered = (_relid, gpadl) => server.acceptGpadl(gpadl);
      notifier.onOpenRequested = (relid) => server.completeOpen(relid, 0);
      server.receive(build.gpadlHeader(disk, G, pageRun(0, 4)));
      server.receive(build.openChannel(disk, G));
      expect(notifier.tags).toEqual(['gpadlOffered', 'send:GPADL_CREATED=ok', 'openRequested', 'send:OPENCHANNEL_RESULT=ok']);
      expect(server.channelState(disk)).toBe(ChannelState.Open);
    });

    it('a throwing notifier propagates, and the effects after it are delivered on the next call', () => {
      const { server, notifier, disk } = serverWithOpenChannel();
      notifier.onCloseRequested = () => {
        throw new Error('host bug');
      };
      expect(() => server.receive(build.closeChannel(disk))).toThrow('host bug');
      notifier.onCloseRequested = undefined;
      expect(server.channelState(disk)).toBe(ChannelState.Closing);
      server.completeClose(disk);
      expect(server.channelState(disk)).toBe(ChannelState.Closed);
    });
  });

  describe('malformed messages', () => {
    it.each([
      ['empty', new Uint8Array(0)],
      ['a header cut short', new Uint8Array(7)],
      ['241 bytes', build.padded(build.initiateContact(), 201)],
      ['an unknown type', build.raw(18)],
      ['a host → guest type', build.offerChannel(1, SCSI, DISK)],
      ['MODIFYCHANNEL (not supported)', build.raw(T.MODIFYCHANNEL)],
      ['INITIATE_CONTACT one byte short', build.initiateContact().subarray(0, 39)],
      ['INITIATE_CONTACT one byte long', build.padded(build.initiateContact(), 1)],
      ['a GPADL_HEADER with more PFNs than rangeBufLen says', build.gpadlHeader(1, G, pageRun(0, 5), { pageCount: 4, carried: 5 })],
      ['a GPADL_HEADER whose rangeBufLen disagrees with its byte count', build.gpadlHeader(1, G, pageRun(0, 4), { byteCount: 5 * PAGE_SIZE })],
      ['a GPADL_HEADER with two ranges', build.gpadlHeader(1, G, [1], { rangeCount: 2 })],
      ['a GPADL_HEADER with byte offset 4096', build.gpadlHeader(1, G, [1, 2], { byteOffset: 4096, byteCount: 1 })],
      ['a GPADL_HEADER with an empty range', build.gpadlHeader(1, G, [1], { byteCount: 0 })],
      ['a GPADL_HEADER with a partial PFN', build.padded(build.gpadlHeader(1, G, [1]), 4)],
      ['a GPADL_BODY without PFNs', build.gpadlBody(1, G, [])],
    ])('reports %s as a ProtocolError and changes nothing', (_what, bytes) => {
      const { server, notifier } = readyServer();
      const before = snapshot(server);
      expect(() => server.receive(bytes)).not.toThrow();
      expect(notifier.tags).toEqual(['violation']);
      expect(notifier.violations[0]).toBeInstanceOf(ProtocolError);
      expect(snapshot(server)).toEqual(before);
      expect(server.violations).toBe(1);
    });
  });
});
