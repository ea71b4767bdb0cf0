/**
 * Every guest message in every state the server can reach: the table of PROTOCOLS.md §2 as the
 * host enforces it. Each situation is reached by a script from a fresh server; every message is
 * then fed to a fresh copy of that situation. A message the table does not list for a situation
 * must be refused: no throw, exactly one violation, the state unchanged, and nothing sent but a
 * failure answer to that very request. A listed message must make exactly the listed transition.
 */
import { GuestMemory } from '@tsvisor/hypervisor-core';
import { PAGE_SIZE } from '@tsvisor/hypervisor-core/guest';
import { describe, expect, it } from 'vitest';
import { ChannelMessageType as T, VmbusVersion } from '../protocol/channel-messages.js';
import { ChannelState } from './channel-state.js';
import { ConnectionState } from './connection-state.js';
import { GpadlState } from './gpadl-state.js';
import { build, pageRun } from './test-fixtures/channel-message-builders.js';
import { RecordingServerNotifier } from './test-fixtures/recording-notifiers.js';
import { VmbusServer } from './vmbus-server.js';

const DISK = { interfaceType: 'ba6163d9-04a1-4d29-b605-72e2ffb1dc7f', interfaceInstance: '00112233-4455-6677-8899-aabbccddeeff' };
const NIC = { interfaceType: 'f8615163-df3e-46c5-913f-f2d2f965ed0e', interfaceInstance: '11111111-2222-3333-4444-555555555555' };
/** Channel 1's ring GPADL (4 pages; 30 pages in the InProgress situation). */
const G = 0xe1e10;
/** A handle not in use anywhere in the table. */
const G3 = 0xe1e13;
const UNKNOWN_GPADL = 0x77;
const memory = new GuestMemory(1024 * PAGE_SIZE, 8);
const RESERVED_PFN = 1020;
const OUTSIDE_PFN = 4096;
const GPADL_NAMES = new Map([
  [G, 'G'],
  [G3, 'G3'],
]);

// ------------------------------------------------------------------ the guest's messages

interface GuestMessage {
  readonly name: string;
  readonly bytes: Uint8Array;
  /** The failure answer a refusal of this request may carry. */
  readonly answer?: 'OPENCHANNEL_RESULT=fail' | 'GPADL_CREATED=fail';
}

const OPEN_ANSWER = { answer: 'OPENCHANNEL_RESULT=fail' } as const;
const GPADL_ANSWER = { answer: 'GPADL_CREATED=fail' } as const;

/** Valid-looking guest → host messages, naming the right and the wrong channels and GPADLs. */
const GUEST_MESSAGES: readonly GuestMessage[] = [
  { name: 'INITIATE_CONTACT 5.3', bytes: build.initiateContact(VmbusVersion.V5_3, 1) },
  { name: 'INITIATE_CONTACT 9.0 (unsupported)', bytes: build.initiateContact(0x0009_0000, 1) },
  { name: 'REQUESTOFFERS', bytes: build.requestOffers() },
  { name: 'OPENCHANNEL 1 G', bytes: build.openChannel(1, G), ...OPEN_ANSWER },
  { name: 'OPENCHANNEL 2 G (another channel’s GPADL)', bytes: build.openChannel(2, G), ...OPEN_ANSWER },
  { name: 'OPENCHANNEL 99 G (unknown channel)', bytes: build.openChannel(99, G), ...OPEN_ANSWER },
  { name: 'OPENCHANNEL 1 unknown GPADL', bytes: build.openChannel(1, UNKNOWN_GPADL), ...OPEN_ANSWER },
  { name: 'OPENCHANNEL 1 G offset 3 (downstream ring of one page)', bytes: build.openChannel(1, G, 3), ...OPEN_ANSWER },
  { name: 'CLOSECHANNEL 1', bytes: build.closeChannel(1) },
  { name: 'CLOSECHANNEL 2', bytes: build.closeChannel(2) },
  { name: 'CLOSECHANNEL 99', bytes: build.closeChannel(99) },
  { name: 'GPADL_HEADER 1 G', bytes: build.gpadlHeader(1, G, pageRun(100, 4)), ...GPADL_ANSWER },
  { name: 'GPADL_HEADER 1 G3 (4 pages)', bytes: build.gpadlHeader(1, G3, pageRun(200, 4)), ...GPADL_ANSWER },
  { name: 'GPADL_HEADER 1 G3 (30 pages, bodies due)', bytes: build.gpadlHeader(1, G3, pageRun(300, 30)), ...GPADL_ANSWER },
  { name: 'GPADL_HEADER 99 G3 (unknown channel)', bytes: build.gpadlHeader(99, G3, pageRun(200, 4)), ...GPADL_ANSWER },
  { name: 'GPADL_HEADER 1 G3 reserved PFN', bytes: build.gpadlHeader(1, G3, [200, RESERVED_PFN]), ...GPADL_ANSWER },
  { name: 'GPADL_HEADER 1 G3 PFN outside memory', bytes: build.gpadlHeader(1, G3, [OUTSIDE_PFN]), ...GPADL_ANSWER },
  { name: 'GPADL_HEADER 1 handle 0', bytes: build.gpadlHeader(1, 0, pageRun(200, 4)), ...GPADL_ANSWER },
  { name: 'GPADL_BODY 1 G (the 4 PFNs due)', bytes: build.gpadlBody(1, G, pageRun(126, 4)), ...GPADL_ANSWER },
  { name: 'GPADL_BODY 2 G (out of sequence)', bytes: build.gpadlBody(2, G, pageRun(126, 4)), ...GPADL_ANSWER },
  { name: 'GPADL_BODY 1 G (3 PFNs, one short)', bytes: build.gpadlBody(1, G, pageRun(126, 3)), ...GPADL_ANSWER },
  { name: 'GPADL_BODY 1 G reserved PFN', bytes: build.gpadlBody(1, G, [126, 127, RESERVED_PFN, 129]), ...GPADL_ANSWER },
  { name: 'GPADL_BODY 1 unknown GPADL', bytes: build.gpadlBody(1, UNKNOWN_GPADL, [1]), ...GPADL_ANSWER },
  { name: 'GPADL_TEARDOWN 1 G', bytes: build.gpadlTeardown(1, G) },
  { name: 'GPADL_TEARDOWN 2 G (another channel)', bytes: build.gpadlTeardown(2, G) },
  { name: 'GPADL_TEARDOWN 1 unknown GPADL', bytes: build.gpadlTeardown(1, UNKNOWN_GPADL) },
  { name: 'RELID_RELEASED 1', bytes: build.relidReleased(1) },
  { name: 'RELID_RELEASED 2', bytes: build.relidReleased(2) },
  { name: 'RELID_RELEASED 99', bytes: build.relidReleased(99) },
  { name: 'UNLOAD', bytes: build.unload() },
];

/** Host → guest messages, unsupported and unknown types: never acceptable from the guest. */
const FOREIGN_MESSAGES: readonly GuestMessage[] = [
  { name: 'OFFERCHANNEL', bytes: build.offerChannel(1, DISK.interfaceType, DISK.interfaceInstance) },
  { name: 'RESCIND_CHANNELOFFER', bytes: build.rescind(1) },
  { name: 'ALLOFFERS_DELIVERED', bytes: build.allOffersDelivered() },
  { name: 'OPENCHANNEL_RESULT', bytes: build.openResult(1, 0) },
  { name: 'GPADL_CREATED', bytes: build.gpadlCreated(1, G, 0) },
  { name: 'GPADL_TORNDOWN', bytes: build.gpadlTorndown(G) },
  { name: 'VERSION_RESPONSE', bytes: build.versionResponse(1) },
  { name: 'UNLOAD_RESPONSE', bytes: build.unloadResponse() },
  ...[T.MODIFYCHANNEL, T.MODIFYCHANNEL_RESPONSE, T.PAUSE, T.PAUSE_RESPONSE, T.RESUME].map((code) => ({
    name: `type ${code} (not supported)`,
    bytes: build.raw(code, 8),
  })),
  ...[0, 18, 19, 20, 21, 23, 25, 26, 30, 0xffffffff].map((code) => ({ name: `unknown type ${code}`, bytes: build.raw(code, 8) })),
];

/** Each guest → host message cut by one byte, an empty and a header-less message. */
const UNDERSIZED_MESSAGES: readonly GuestMessage[] = [
  { name: 'empty', bytes: new Uint8Array(0) },
  { name: '4 bytes', bytes: new Uint8Array([14, 0, 0, 0]) },
  ...[
    build.initiateContact(),
    build.requestOffers(),
    build.openChannel(1, G),
    build.closeChannel(1),
    build.gpadlHeader(1, G3, [200]).subarray(0, 28),
    build.gpadlBody(1, G, [126]).subarray(0, 16),
    build.gpadlTeardown(1, G),
    build.relidReleased(1),
    build.unload(),
  ].map((bytes) => ({ name: `type ${bytes[0]} cut to ${bytes.length - 1} bytes`, bytes: bytes.subarray(0, bytes.length - 1) })),
  { name: 'GPADL_HEADER without its PFN', bytes: build.gpadlHeader(1, G3, [200]).subarray(0, 28) },
  { name: 'GPADL_BODY without PFNs', bytes: build.gpadlBody(1, G, []) },
  { name: 'GPADL_HEADER carrying 3 of 4 PFNs', bytes: build.gpadlHeader(1, G3, pageRun(200, 4), { carried: 3 }) },
];

/** Messages longer than allowed or inconsistent with their own lengths. */
const OVERSIZED_MESSAGES: readonly GuestMessage[] = [
  { name: '241 bytes', bytes: build.padded(build.requestOffers(), 233) },
  { name: 'a GPADL_HEADER of 244 bytes (27 PFNs)', bytes: build.gpadlHeader(1, G3, pageRun(300, 30), { carried: 27 }) },
  { name: 'a GPADL_BODY of 248 bytes (29 PFNs)', bytes: build.gpadlBody(1, G, pageRun(0, 29)) },
  ...[
    build.initiateContact(),
    build.requestOffers(),
    build.openChannel(1, G),
    build.closeChannel(1),
    build.gpadlTeardown(1, G),
    build.relidReleased(1),
    build.unload(),
  ].flatMap((bytes) => [
    { name: `type ${bytes[0]} with 1 byte more`, bytes: build.padded(bytes, 1) },
    { name: `type ${bytes[0]} with 8 bytes more`, bytes: build.padded(bytes, 8) },
  ]),
  { name: 'GPADL_HEADER with more PFNs than rangeBufLen says', bytes: build.gpadlHeader(1, G3, pageRun(200, 5), { pageCount: 4, carried: 5 }) },
  { name: 'GPADL_HEADER whose rangeBufLen disagrees with byteCount', bytes: build.gpadlHeader(1, G3, pageRun(200, 4), { rangeBufLen: 8 + 5 * 8 }) },
  { name: 'GPADL_HEADER with byteOffset 4096', bytes: build.gpadlHeader(1, G3, [200, 201], { byteOffset: 4096, byteCount: 4 }) },
  { name: 'GPADL_HEADER with an empty range', bytes: build.gpadlHeader(1, G3, [200], { byteCount: 0 }) },
  { name: 'GPADL_HEADER with two ranges', bytes: build.gpadlHeader(1, G3, [200], { rangeCount: 2 }) },
  { name: 'GPADL_HEADER with half a PFN more', bytes: build.padded(build.gpadlHeader(1, G3, [200]), 4) },
  { name: 'GPADL_BODY with half a PFN more', bytes: build.padded(build.gpadlBody(1, G, pageRun(126, 4)), 4) },
];

const ALL_MESSAGES = [...GUEST_MESSAGES, ...FOREIGN_MESSAGES, ...UNDERSIZED_MESSAGES, ...OVERSIZED_MESSAGES];

// ------------------------------------------------------------------ situations

interface Summary {
  readonly connection: ConnectionState;
  readonly vcpu: number | undefined;
  readonly ch1: ChannelState | undefined;
  readonly ch2: ChannelState | undefined;
  readonly gpadls: Readonly<Record<string, GpadlState>>;
}

interface Outcome {
  /** The effects, in order, as tags (`send:NAME[=ok|=fail]` or the callback's name). */
  readonly effects: readonly string[];
  /** What changes in the summary. */
  readonly after: Partial<Summary>;
}

interface Situation {
  readonly name: string;
  /** Drives a fresh server (with the disk offered as relid 1, the NIC as 2) into the situation. */
  readonly script: (server: VmbusServer) => void;
  readonly summary: Summary;
  readonly accepts: Readonly<Record<string, Outcome>>;
}

const CR = ChannelState.ClientReleased;

function summarize(server: VmbusServer): Summary {
  return {
    connection: server.connectionState,
    vcpu: server.targetVcpu,
    ch1: server.channelState(1),
    ch2: server.channelState(2),
    gpadls: Object.fromEntries(server.gpadlHandles.map((handle) => [GPADL_NAMES.get(handle) ?? handle, server.gpadlState(handle)!])),
  };
}

function snapshot(server: VmbusServer) {
  return {
    summary: summarize(server),
    version: server.version,
    channels: server.relids.map((relid) => server.channel(relid)),
    gpadls: server.gpadlHandles.map((handle) => server.gpadl(handle)),
  };
}

/** A GPADL for channel 1 under an unused handle: accepted wherever channel 1 may share pages. */
function newGpadls(gpadls: Record<string, GpadlState>): Record<string, Outcome> {
  return {
    'GPADL_HEADER 1 G3 (4 pages)': { effects: ['gpadlOffered'], after: { gpadls: { ...gpadls, G3: GpadlState.Offered } } },
    'GPADL_HEADER 1 G3 (30 pages, bodies due)': { effects: [], after: { gpadls: { ...gpadls, G3: GpadlState.InProgress } } },
  };
}

const seq = (...steps: ((server: VmbusServer) => void)[]) => (server: VmbusServer) => steps.forEach((step) => step(server));
const receive = (bytes: Uint8Array) => (server: VmbusServer) => server.receive(bytes);
const contact = receive(build.initiateContact(VmbusVersion.V5_3, 0));
const offers = receive(build.requestOffers());
const header4 = receive(build.gpadlHeader(1, G, pageRun(100, 4)));
const accept = (server: VmbusServer) => server.acceptGpadl(G);
const open = seq(receive(build.openChannel(1, G)), (server) => server.completeOpen(1, 0));
const close = receive(build.closeChannel(1));
const rescind = (server: VmbusServer) => server.rescind(1);

const base: Summary = { connection: ConnectionState.Disconnected, vcpu: undefined, ch1: CR, ch2: CR, gpadls: {} };
const closed: Summary = { connection: ConnectionState.OffersRequested, vcpu: 0, ch1: ChannelState.Closed, ch2: ChannelState.Closed, gpadls: {} };
const unloaded = { connection: ConnectionState.Disconnected, ch1: CR, ch2: CR } as const;
const gAccepted = { G: GpadlState.Accepted };
const gTearingDown = { G: GpadlState.TearingDown };
const teardownG: Outcome = { effects: ['gpadlTeardownRequested'], after: { gpadls: gTearingDown } };

const SITUATIONS: readonly Situation[] = [
  {
    name: 'Disconnected',
    script: () => undefined,
    summary: base,
    accepts: {
      'INITIATE_CONTACT 5.3': { effects: ['send:VERSION_RESPONSE=ok', 'connected'], after: { connection: ConnectionState.Connected, vcpu: 1 } },
      'INITIATE_CONTACT 9.0 (unsupported)': { effects: ['send:VERSION_RESPONSE=fail'], after: { vcpu: 1 } },
    },
  },
  {
    name: 'Connected',
    script: contact,
    summary: { ...base, connection: ConnectionState.Connected, vcpu: 0 },
    accepts: {
      REQUESTOFFERS: {
        effects: ['send:OFFERCHANNEL', 'send:OFFERCHANNEL', 'send:ALLOFFERS_DELIVERED'],
        after: { connection: ConnectionState.OffersRequested, ch1: ChannelState.Closed, ch2: ChannelState.Closed },
      },
      UNLOAD: { effects: ['send:UNLOAD_RESPONSE', 'unloaded'], after: unloaded },
    },
  },
  {
    name: 'OffersRequested, channels Closed',
    script: seq(contact, offers),
    summary: closed,
    accepts: {
      ...newGpadls({}),
      'GPADL_HEADER 1 G': { effects: ['gpadlOffered'], after: { gpadls: { G: GpadlState.Offered } } },
      UNLOAD: { effects: ['send:UNLOAD_RESPONSE', 'unloaded'], after: unloaded },
    },
  },
  {
    name: 'GPADL InProgress',
    script: seq(contact, offers, receive(build.gpadlHeader(1, G, pageRun(100, 30)))),
    summary: { ...closed, gpadls: { G: GpadlState.InProgress } },
    accepts: {
      ...newGpadls({ G: GpadlState.InProgress }),
      'GPADL_BODY 1 G (the 4 PFNs due)': { effects: ['gpadlOffered'], after: { gpadls: { G: GpadlState.Offered } } },
      // The partial GPADL is dropped: a violation with a failure answer that does change the state.
      'GPADL_BODY 1 G reserved PFN': { effects: ['violation', 'send:GPADL_CREATED=fail'], after: { gpadls: {} } },
      UNLOAD: { effects: ['send:UNLOAD_RESPONSE', 'unloaded'], after: { ...unloaded, gpadls: {} } },
    },
  },
  {
    name: 'GPADL Offered',
    script: seq(contact, offers, header4),
    summary: { ...closed, gpadls: { G: GpadlState.Offered } },
    accepts: {
      ...newGpadls({ G: GpadlState.Offered }),
      'GPADL_TEARDOWN 1 G': { effects: [], after: { gpadls: { G: GpadlState.OfferedTearingDown } } },
      UNLOAD: { effects: [], after: { connection: ConnectionState.Unloading, ch1: CR, ch2: CR } },
    },
  },
  {
    name: 'GPADL OfferedTearingDown',
    script: seq(contact, offers, header4, receive(build.gpadlTeardown(1, G))),
    summary: { ...closed, gpadls: { G: GpadlState.OfferedTearingDown } },
    accepts: {
      ...newGpadls({ G: GpadlState.OfferedTearingDown }),
      UNLOAD: { effects: [], after: { connection: ConnectionState.Unloading, ch1: CR, ch2: CR } },
    },
  },
  {
    name: 'GPADL Accepted',
    script: seq(contact, offers, header4, accept),
    summary: { ...closed, gpadls: gAccepted },
    accepts: {
      ...newGpadls(gAccepted),
      'OPENCHANNEL 1 G': { effects: ['openRequested'], after: { ch1: ChannelState.Opening } },
      'GPADL_TEARDOWN 1 G': teardownG,
      UNLOAD: { effects: ['gpadlTeardownRequested'], after: { connection: ConnectionState.Unloading, ch1: CR, ch2: CR, gpadls: gTearingDown } },
    },
  },
  {
    name: 'GPADL TearingDown',
    script: seq(contact, offers, header4, accept, receive(build.gpadlTeardown(1, G))),
    summary: { ...closed, gpadls: gTearingDown },
    accepts: {
      ...newGpadls(gTearingDown),
      UNLOAD: { effects: [], after: { connection: ConnectionState.Unloading, ch1: CR, ch2: CR } },
    },
  },
  {
    name: 'channel Opening',
    script: seq(contact, offers, header4, accept, receive(build.openChannel(1, G))),
    summary: { ...closed, ch1: ChannelState.Opening, gpadls: gAccepted },
    accepts: {
      ...newGpadls(gAccepted),
      'GPADL_TEARDOWN 1 G': teardownG,
      UNLOAD: { effects: ['gpadlTeardownRequested'], after: { connection: ConnectionState.Unloading, ch2: CR, gpadls: gTearingDown } },
    },
  },
  {
    name: 'channel Open',
    script: seq(contact, offers, header4, accept, open),
    summary: { ...closed, ch1: ChannelState.Open, gpadls: gAccepted },
    accepts: {
      ...newGpadls(gAccepted),
      'CLOSECHANNEL 1': { effects: ['closeRequested'], after: { ch1: ChannelState.Closing } },
      'GPADL_TEARDOWN 1 G': teardownG,
      UNLOAD: {
        effects: ['closeRequested', 'gpadlTeardownRequested'],
        after: { connection: ConnectionState.Unloading, ch1: ChannelState.Closing, ch2: CR, gpadls: gTearingDown },
      },
    },
  },
  {
    name: 'channel Closing',
    script: seq(contact, offers, header4, accept, open, close),
    summary: { ...closed, ch1: ChannelState.Closing, gpadls: gAccepted },
    accepts: {
      ...newGpadls(gAccepted),
      'OPENCHANNEL 1 G': { effects: [], after: { ch1: ChannelState.ClosingReopen } },
      'GPADL_TEARDOWN 1 G': teardownG,
      UNLOAD: { effects: ['gpadlTeardownRequested'], after: { connection: ConnectionState.Unloading, ch2: CR, gpadls: gTearingDown } },
    },
  },
  {
    name: 'channel ClosingReopen',
    script: seq(contact, offers, header4, accept, open, close, receive(build.openChannel(1, G))),
    summary: { ...closed, ch1: ChannelState.ClosingReopen, gpadls: gAccepted },
    accepts: {
      ...newGpadls(gAccepted),
      'GPADL_TEARDOWN 1 G': teardownG,
      UNLOAD: {
        effects: ['gpadlTeardownRequested'],
        after: { connection: ConnectionState.Unloading, ch1: ChannelState.Closing, ch2: CR, gpadls: gTearingDown },
      },
    },
  },
  {
    name: 'channel Revoked',
    script: seq(contact, offers, rescind),
    summary: { ...closed, ch1: ChannelState.Revoked },
    accepts: {
      'RELID_RELEASED 1': { effects: ['relidReleased'], after: { ch1: undefined } },
      UNLOAD: { effects: ['relidReleased', 'send:UNLOAD_RESPONSE', 'unloaded'], after: { ...unloaded, ch1: undefined } },
    },
  },
  {
    name: 'channel Revoked holding a GPADL',
    script: seq(contact, offers, header4, accept, rescind),
    summary: { ...closed, ch1: ChannelState.Revoked, gpadls: gAccepted },
    accepts: {
      'GPADL_TEARDOWN 1 G': teardownG,
      UNLOAD: {
        effects: ['relidReleased', 'gpadlTeardownRequested'],
        after: { connection: ConnectionState.Unloading, ch1: undefined, ch2: CR, gpadls: gTearingDown },
      },
    },
  },
  {
    name: 'channel Revoked while Open (host closing)',
    script: seq(contact, offers, header4, accept, open, rescind),
    summary: { ...closed, ch1: ChannelState.Revoked, gpadls: gAccepted },
    accepts: {
      // The guest closes what it had open: welcome once, and nothing to do.
      'CLOSECHANNEL 1': { effects: [], after: {} },
      'GPADL_TEARDOWN 1 G': teardownG,
      UNLOAD: { effects: ['gpadlTeardownRequested'], after: { connection: ConnectionState.Unloading, ch2: CR, gpadls: gTearingDown } },
    },
  },
  {
    name: 'channel Reoffered',
    script: seq(contact, offers, rescind, (server) => void server.offer(DISK)),
    summary: { ...closed, ch1: ChannelState.Reoffered },
    accepts: {
      'RELID_RELEASED 1': { effects: ['relidReleased', 'send:OFFERCHANNEL'], after: { ch1: ChannelState.Closed } },
      UNLOAD: { effects: ['relidReleased', 'send:UNLOAD_RESPONSE', 'unloaded'], after: unloaded },
    },
  },
  {
    name: 'Unloading',
    script: seq(contact, offers, header4, accept, open, receive(build.unload())),
    summary: { ...closed, connection: ConnectionState.Unloading, ch1: ChannelState.Closing, ch2: CR, gpadls: gTearingDown },
    accepts: {},
  },
  {
    name: 'Disconnected after an UNLOAD',
    script: seq(contact, offers, header4, accept, open, receive(build.unload()), (server) => {
      server.completeClose(1);
      server.completeGpadlTeardown(G);
    }),
    summary: { ...base, vcpu: 0 },
    accepts: {
      'INITIATE_CONTACT 5.3': { effects: ['send:VERSION_RESPONSE=ok', 'connected'], after: { connection: ConnectionState.Connected, vcpu: 1 } },
      'INITIATE_CONTACT 9.0 (unsupported)': { effects: ['send:VERSION_RESPONSE=fail'], after: { vcpu: 1 } },
    },
  },
];

function enter(situation: Situation) {
  const notifier = new RecordingServerNotifier();
  const server = new VmbusServer({ memory }, notifier);
  server.offer(DISK);
  server.offer(NIC);
  situation.script(server);
  notifier.take();
  return { server, notifier };
}

describe('VmbusServer: every guest message in every state', () => {
  it('the situations cover every connection, channel and GPADL state', () => {
    const seen = { connection: new Set<string>(), channel: new Set<string>(), gpadl: new Set<string>() };
    for (const situation of SITUATIONS) {
      const { summary } = situation;
      seen.connection.add(summary.connection);
      for (const state of [summary.ch1, summary.ch2]) if (state) seen.channel.add(state);
      for (const state of Object.values(summary.gpadls)) seen.gpadl.add(state);
    }
    expect([...seen.connection].sort()).toEqual(Object.values(ConnectionState).sort());
    expect([...seen.channel].sort()).toEqual(Object.values(ChannelState).sort());
    expect([...seen.gpadl].sort()).toEqual(Object.values(GpadlState).sort());
  });

  it('every message the tables accept exists', () => {
    const names = new Set(ALL_MESSAGES.map((message) => message.name));
    expect(names.size).toBe(ALL_MESSAGES.length);
    for (const situation of SITUATIONS) for (const name of Object.keys(situation.accepts)) expect(names).toContain(name);
  });

  describe.each(SITUATIONS)('$name', (situation) => {
    it('is reached by its script', () => {
      const { server, notifier } = enter(situation);
      expect(summarize(server)).toEqual(situation.summary);
      expect(server.violations).toBe(0);
      expect(notifier.effects).toEqual([]);
    });

    it.each(ALL_MESSAGES)('$name', (message) => {
      const { server, notifier } = enter(situation);
      const before = snapshot(server);
      expect(() => server.receive(message.bytes)).not.toThrow();
      const outcome = situation.accepts[message.name];
      if (outcome) {
        expect(notifier.tags).toEqual(outcome.effects);
        expect(summarize(server)).toEqual({ ...situation.summary, ...outcome.after });
        expect(server.violations).toBe(outcome.effects.filter((effect) => effect === 'violation').length);
        return;
      }
      // Refused: one violation, nothing changed, at most a failure answer to this very request.
      expect(snapshot(server)).toEqual(before);
      expect(server.violations).toBe(1);
      const [first, ...rest] = notifier.tags;
      expect(first).toBe('violation');
      const answerable = before.summary.connection === ConnectionState.Connected || before.summary.connection === ConnectionState.OffersRequested;
      const allowed = answerable && message.answer ? [[], [`send:${message.answer}`]] : [[]];
      expect(allowed).toContainEqual(rest);
    });
  });
});
