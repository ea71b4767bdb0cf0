import { GuestMemory } from '@tsvisor/hypervisor-core';
import { PAGE_SIZE } from '@tsvisor/hypervisor-core/guest';
import { describe, expect, it } from 'vitest';
import { VmbusVersion } from '../protocol/channel-messages.js';
import { ChannelState } from './channel-state.js';
import { ClientChannelState } from './client-channel-state.js';
import { ClientConnectionState } from './client-connection-state.js';
import { ConnectionState } from './connection-state.js';
import { GpadlState } from './gpadl-state.js';
import { pageRun } from './test-fixtures/channel-message-builders.js';
import { RecordingClientNotifier, RecordingServerNotifier } from './test-fixtures/recording-notifiers.js';
import { VmbusClient, type VmbusClientOptions } from './vmbus-client.js';
import { VmbusServer, type VmbusServerOptions } from './vmbus-server.js';

const SCSI = 'ba6163d9-04a1-4d29-b605-72e2ffb1dc7f';
const DISK = '00112233-4455-6677-8899-aabbccddeeff';
const memory = new GuestMemory(1024 * PAGE_SIZE, 8);

/**
 * A server and a client wired back to back: each one's `send` is the other's `receive`, called
 * synchronously. The host plays along: it accepts GPADLs and opens, and completes closes and
 * teardowns at once, like a simple VSP.
 */
function pair(serverOptions: Partial<VmbusServerOptions> = {}, clientOptions: VmbusClientOptions = {}) {
  const hostSide = new RecordingServerNotifier();
  const guestSide = new RecordingClientNotifier();
  const server = new VmbusServer({ memory, ...serverOptions }, hostSide);
  const client = new VmbusClient({ targetVcpu: 1, ...clientOptions }, guestSide);
  hostSide.peer = (bytes) => client.receive(bytes);
  guestSide.peer = (bytes) => server.receive(bytes);
  hostSide.onGpadlOffered = (_relid, gpadl) => server.acceptGpadl(gpadl);
  hostSide.onOpenRequested = (relid) => server.completeOpen(relid, 0);
  hostSide.onCloseRequested = (relid) => server.completeClose(relid);
  hostSide.onGpadlTeardownRequested = (_relid, gpadl) => server.completeGpadlTeardown(gpadl);
  return { server, client, hostSide, guestSide };
}

function kinds(notifier: RecordingServerNotifier | RecordingClientNotifier): string[] {
  return notifier.take().map((effect) => effect.kind);
}

describe('VmbusServer and VmbusClient back to back', () => {
  it('run a channel’s whole life: contact, offers, a 70-page GPADL, open, close, teardown, rescind, release, unload', () => {
    const { server, client, hostSide, guestSide } = pair();
    const relid = server.offer({ interfaceType: SCSI, interfaceInstance: DISK });

    client.connect();
    expect(server.version).toBe(VmbusVersion.V5_3);
    expect(server.targetVcpu).toBe(1);
    expect(client.connectionState).toBe(ClientConnectionState.Connected);
    expect(client.offersDelivered).toBe(true);
    expect(client.channel(relid)?.offer.connectionId).toBe(server.connectionIdOf(relid));
    expect(kinds(guestSide)).toEqual(['send', 'connected', 'send', 'offer', 'allOffersDelivered']);

    hostSide.take();
    const pfns = pageRun(64, 70);
    const gpadl = client.createGpadl(relid, pfns);
    expect(client.gpadlState(gpadl)).toBe('Created');
    expect(server.gpadl(gpadl)).toMatchObject({ state: GpadlState.Accepted, pfns, relid });
    expect(hostSide.tags).toEqual(['gpadlOffered', 'send:GPADL_CREATED=ok']); // one answer to three messages

    client.open(relid, { gpadl, downstreamRingPageOffset: 35, targetVp: 0 });
    expect(client.channelState(relid)).toBe(ClientChannelState.Open);
    expect(server.channelState(relid)).toBe(ChannelState.Open);
    expect(server.channel(relid)?.openRequest).toMatchObject({ gpadl, downstreamRingPageOffset: 35, openId: relid });

    client.close(relid);
    expect(server.channelState(relid)).toBe(ChannelState.Closed);
    client.teardownGpadl(gpadl);
    expect(server.gpadlHandles).toEqual([]);
    expect(client.gpadlHandles).toEqual([]);

    guestSide.onRescinded = (rescinded) => client.releaseRelid(rescinded);
    hostSide.take();
    server.rescind(relid);
    expect(kinds(hostSide)).toEqual(['send', 'relidReleased']);
    expect(server.relids).toEqual([]);
    expect(client.relids).toEqual([]);

    client.unload();
    expect(kinds(hostSide)).toEqual(['send', 'unloaded']);
    expect(server.connectionState).toBe(ConnectionState.Disconnected);
    expect(client.connectionState).toBe(ClientConnectionState.Disconnected);
    expect([server.violations, client.violations]).toEqual([0, 0]);
  });

  it('hot-remove of an open channel: the guest closes, tears down and releases; the host frees the relid', () => {
    const { server, client, hostSide, guestSide } = pair();
    const relid = server.offer({ interfaceType: SCSI, interfaceInstance: DISK });
    client.connect();
    const gpadl = client.createGpadl(relid, pageRun(0, 8));
    client.open(relid, { gpadl, downstreamRingPageOffset: 4, targetVp: 0 });
    guestSide.onRescinded = (rescinded) => {
      client.close(rescinded);
      client.teardownGpadl(gpadl);
      client.releaseRelid(rescinded);
    };
    hostSide.take();
    server.rescind(relid);
    expect(hostSide.tags).toEqual([
      'send:RESCIND_CHANNELOFFER',
      'closeRequested',
      'gpadlTeardownRequested',
      'send:GPADL_TORNDOWN',
      'relidReleased',
    ]);
    expect(server.relids).toEqual([]);
    expect(client.relids).toEqual([]);
    expect([server.violations, client.violations]).toEqual([0, 0]);
  });

  it('offers sub-channels 1..n with the primary’s type and instance, and hot-adds them after ALLOFFERS_DELIVERED', () => {
    const { server, client, guestSide } = pair();
    const primary = server.offer({ interfaceType: SCSI, interfaceInstance: DISK });
    const early = server.offer({ interfaceType: SCSI, interfaceInstance: DISK, subChannelIndex: 1 });
    client.connect();
    const late = [2, 3].map((index) => server.offer({ interfaceType: SCSI, interfaceInstance: DISK, subChannelIndex: index }));
    const offers = guestSide.effects.filter((effect) => effect.kind === 'offer');
    expect(offers.map((effect) => ('args' in effect ? effect.args[0] : undefined))).toEqual(
      [primary, early, ...late].map((relid, index) =>
        expect.objectContaining({ childRelid: relid, offer: expect.objectContaining({ interfaceType: SCSI, interfaceInstance: DISK, subChannelIndex: index }) }),
      ),
    );
    expect(client.relids).toEqual([primary, early, ...late]);
  });

  it('re-offers a rescinded device once the guest released it', () => {
    const { server, client, guestSide } = pair();
    const relid = server.offer({ interfaceType: SCSI, interfaceInstance: DISK });
    client.connect();
    server.rescind(relid);
    expect(server.offer({ interfaceType: SCSI, interfaceInstance: DISK })).toBe(relid);
    expect(server.channelState(relid)).toBe(ChannelState.Reoffered);
    guestSide.take();
    client.releaseRelid(relid);
    expect(guestSide.tags).toEqual(['send:RELID_RELEASED', 'offer']);
    expect(client.channelState(relid)).toBe(ClientChannelState.Offered);
    expect(server.channelState(relid)).toBe(ChannelState.Closed);
  });

  it('falls back to 3.0 against a host that supports only 3.0', () => {
    const { server, client, guestSide } = pair({ versions: [VmbusVersion.V3_0] });
    client.connect();
    expect(client.version).toBe(VmbusVersion.V3_0);
    expect(server.version).toBe(VmbusVersion.V3_0);
    expect(guestSide.sent.filter((message) => message.name === 'INITIATE_CONTACT')).toHaveLength(7);
    expect([server.violations, client.violations]).toEqual([0, 0]);
  });

  it('reports connectFailed against a host that supports none of the guest’s versions', () => {
    const { server, client, guestSide } = pair({ versions: [0x00090000] });
    client.connect();
    expect(guestSide.tags.filter((tag) => tag === 'connectFailed')).toHaveLength(1);
    expect(client.connectionState).toBe(ClientConnectionState.Disconnected);
    expect(server.connectionState).toBe(ConnectionState.Disconnected);
    expect([server.violations, client.violations]).toEqual([0, 0]);
  });

  it('unloads with an open channel and a GPADL, and connects again to the same offers', () => {
    const { server, client, hostSide } = pair();
    const relid = server.offer({ interfaceType: SCSI, interfaceInstance: DISK });
    client.connect();
    const gpadl = client.createGpadl(relid, pageRun(0, 4));
    client.open(relid, { gpadl, downstreamRingPageOffset: 2, targetVp: 0 });
    hostSide.take();
    client.unload();
    expect(hostSide.tags).toEqual(['closeRequested', 'gpadlTeardownRequested', 'send:UNLOAD_RESPONSE', 'unloaded']);
    expect(server.channelState(relid)).toBe(ChannelState.ClientReleased);
    client.connect();
    expect(client.channelState(relid)).toBe(ClientChannelState.Offered);
    expect([server.violations, client.violations]).toEqual([0, 0]);
  });
});
