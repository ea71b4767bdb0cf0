/**
 * Every host message in every state the client can reach, the mirror of the server's table:
 * a message the table does not list for a situation must be refused (no throw, exactly one
 * violation, the state unchanged, nothing sent); a listed one must make exactly the listed
 * transition.
 */
import { describe, expect, it } from 'vitest';
import { ChannelMessageType as T, VmbusVersion } from '../protocol/channel-messages.js';
import { ClientChannelState } from './client-channel-state.js';
import { ClientConnectionState } from './client-connection-state.js';
import { ClientGpadlState } from './client-gpadl-state.js';
import { build, pageRun } from './test-fixtures/channel-message-builders.js';
import { RecordingClientNotifier } from './test-fixtures/recording-notifiers.js';
import { FIRST_GPADL_HANDLE, VmbusClient } from './vmbus-client.js';

const SCSI = 'ba6163d9-04a1-4d29-b605-72e2ffb1dc7f';
const NET = 'f8615163-df3e-46c5-913f-f2d2f965ed0e';
const DISK = '00112233-4455-6677-8899-aabbccddeeff';
const NIC = '11111111-2222-3333-4444-555555555555';
const OTHER = '99999999-8888-7777-6666-555555555555';
/** The disk's ring GPADL: the first handle the client hands out. */
const G = FIRST_GPADL_HANDLE;
const UNKNOWN_GPADL = 0x77;

interface HostMessage {
  readonly name: string;
  readonly bytes: Uint8Array;
}

/** Valid-looking host → guest messages, naming the right and the wrong channels and GPADLs. */
const HOST_MESSAGES: readonly HostMessage[] = [
  { name: 'VERSION_RESPONSE ok', bytes: build.versionResponse(1, 4) },
  { name: 'VERSION_RESPONSE refused', bytes: build.versionResponse(0) },
  { name: 'VERSION_RESPONSE versionSupported 2', bytes: build.versionResponse(2) },
  { name: 'OFFERCHANNEL 3 (a new device)', bytes: build.offerChannel(3, NET, OTHER) },
  { name: 'OFFERCHANNEL 1 (the disk)', bytes: build.offerChannel(1, SCSI, DISK) },
  { name: 'OFFERCHANNEL 4 (the disk again)', bytes: build.offerChannel(4, SCSI, DISK) },
  { name: 'OFFERCHANNEL 0', bytes: build.offerChannel(0, SCSI, OTHER) },
  { name: 'RESCIND_CHANNELOFFER 1', bytes: build.rescind(1) },
  { name: 'RESCIND_CHANNELOFFER 99', bytes: build.rescind(99) },
  { name: 'ALLOFFERS_DELIVERED', bytes: build.allOffersDelivered() },
  { name: 'OPENCHANNEL_RESULT 1 ok', bytes: build.openResult(1, 0) },
  { name: 'OPENCHANNEL_RESULT 1 fail', bytes: build.openResult(1, 0xc000000d) },
  { name: 'OPENCHANNEL_RESULT 1 openId 7', bytes: build.openResult(1, 0, 7) },
  { name: 'OPENCHANNEL_RESULT 99', bytes: build.openResult(99, 0) },
  { name: 'GPADL_CREATED 1 G ok', bytes: build.gpadlCreated(1, G, 0) },
  { name: 'GPADL_CREATED 1 G fail', bytes: build.gpadlCreated(1, G, 0xc000009a) },
  { name: 'GPADL_CREATED 2 G (another channel)', bytes: build.gpadlCreated(2, G, 0) },
  { name: 'GPADL_CREATED 1 unknown GPADL', bytes: build.gpadlCreated(1, UNKNOWN_GPADL, 0) },
  { name: 'GPADL_TORNDOWN G', bytes: build.gpadlTorndown(G) },
  { name: 'GPADL_TORNDOWN unknown GPADL', bytes: build.gpadlTorndown(UNKNOWN_GPADL) },
  { name: 'UNLOAD_RESPONSE', bytes: build.unloadResponse() },
];

/** Guest → host, unsupported and unknown types: never acceptable from the host. */
const FOREIGN_MESSAGES: readonly HostMessage[] = [
  build.initiateContact(),
  build.requestOffers(),
  build.openChannel(1, G),
  build.closeChannel(1),
  build.gpadlHeader(1, G, [1]),
  build.gpadlBody(1, G, [1]),
  build.gpadlTeardown(1, G),
  build.relidReleased(1),
  build.unload(),
  ...[T.MODIFYCHANNEL, T.MODIFYCHANNEL_RESPONSE, T.PAUSE, T.PAUSE_RESPONSE, T.RESUME].map((code) => build.raw(code, 8)),
  ...[0, 18, 19, 20, 21, 23, 25, 26, 30, 0xffffffff].map((code) => build.raw(code, 8)),
].map((bytes) => ({ name: `type ${new DataView(bytes.buffer).getUint32(0, true)} (${bytes.length} bytes)`, bytes }));

const HOST_LAYOUT_SAMPLES = [
  build.versionResponse(1),
  build.offerChannel(3, NET, OTHER),
  build.rescind(1),
  build.allOffersDelivered(),
  build.openResult(1, 0),
  build.gpadlCreated(1, G, 0),
  build.gpadlTorndown(G),
  build.unloadResponse(),
];

const UNDERSIZED_MESSAGES: readonly HostMessage[] = [
  { name: 'empty', bytes: new Uint8Array(0) },
  { name: '4 bytes', bytes: new Uint8Array([1, 0, 0, 0]) },
  ...HOST_LAYOUT_SAMPLES.map((bytes) => ({ name: `type ${bytes[0]} cut to ${bytes.length - 1} bytes`, bytes: bytes.subarray(0, bytes.length - 1) })),
];

const OVERSIZED_MESSAGES: readonly HostMessage[] = [
  { name: '241 bytes', bytes: build.padded(build.offerChannel(3, NET, OTHER), 45) },
  ...HOST_LAYOUT_SAMPLES.flatMap((bytes) => [
    { name: `type ${bytes[0]} with 1 byte more`, bytes: build.padded(bytes, 1) },
    { name: `type ${bytes[0]} with 8 bytes more`, bytes: build.padded(bytes, 8) },
  ]),
];

const ALL_MESSAGES = [...HOST_MESSAGES, ...FOREIGN_MESSAGES, ...UNDERSIZED_MESSAGES, ...OVERSIZED_MESSAGES];

interface Summary {
  readonly connection: ClientConnectionState;
  readonly version: number | undefined;
  readonly offersDelivered: boolean;
  readonly channels: Readonly<Record<number, ClientChannelState>>;
  readonly gpadls: Readonly<Record<string, ClientGpadlState>>;
}

interface Outcome {
  readonly effects: readonly string[];
  readonly after: Partial<Summary>;
}

interface Situation {
  readonly name: string;
  readonly script: (client: VmbusClient) => void;
  readonly summary: Summary;
  readonly accepts: Readonly<Record<string, Outcome>>;
}

function summarize(client: VmbusClient): Summary {
  return {
    connection: client.connectionState,
    version: client.version,
    offersDelivered: client.offersDelivered,
    channels: Object.fromEntries(client.relids.map((relid) => [relid, client.channelState(relid)!])),
    gpadls: Object.fromEntries(client.gpadlHandles.map((handle) => [handle === G ? 'G' : handle, client.gpadlState(handle)!])),
  };
}

function snapshot(client: VmbusClient) {
  return {
    summary: summarize(client),
    messageConnectionId: client.messageConnectionId,
    channels: client.relids.map((relid) => client.channel(relid)),
    gpadls: client.gpadlHandles.map((handle) => client.gpadl(handle)),
  };
}

const seq = (...steps: ((client: VmbusClient) => void)[]) => (client: VmbusClient) => steps.forEach((step) => step(client));
const receive = (bytes: Uint8Array) => (client: VmbusClient) => client.receive(bytes);
const connect = seq((client) => client.connect(), receive(build.versionResponse(1, 4)));
const offers = seq(receive(build.offerChannel(1, SCSI, DISK)), receive(build.offerChannel(2, NET, NIC)), receive(build.allOffersDelivered()));
const createGpadl = (client: VmbusClient) => void client.createGpadl(1, pageRun(100, 4));
const created = receive(build.gpadlCreated(1, G, 0));
const open = (client: VmbusClient) => client.open(1, { gpadl: G, downstreamRingPageOffset: 2, targetVp: 0 });
const opened = receive(build.openResult(1, 0));
const rescind = receive(build.rescind(1));

const O = ClientChannelState.Offered;
const ready: Summary = {
  connection: ClientConnectionState.Connected,
  version: VmbusVersion.V5_3,
  offersDelivered: true,
  channels: { 1: O, 2: O },
  gpadls: {},
};
const gCreated = { G: ClientGpadlState.Created };

/** Offers that fit whenever the client is connected: a new device, and the disk again if it is rescinded. */
function newOffer(channels: Record<number, ClientChannelState>, diskRescinded = false): Record<string, Outcome> {
  const accepts: Record<string, Outcome> = {
    'OFFERCHANNEL 3 (a new device)': { effects: ['offer'], after: { channels: { ...channels, 3: O } } },
  };
  if (diskRescinded) accepts['OFFERCHANNEL 4 (the disk again)'] = { effects: ['offer'], after: { channels: { ...channels, 4: O } } };
  return accepts;
}

function rescindDisk(channels: Record<number, ClientChannelState>): Record<string, Outcome> {
  return { 'RESCIND_CHANNELOFFER 1': { effects: ['rescinded'], after: { channels: { ...channels, 1: ClientChannelState.Rescinded } } } };
}

const SITUATIONS: readonly Situation[] = [
  {
    name: 'Disconnected',
    script: () => undefined,
    summary: { connection: ClientConnectionState.Disconnected, version: undefined, offersDelivered: false, channels: {}, gpadls: {} },
    accepts: {},
  },
  {
    name: 'Contacting',
    script: (client) => client.connect(),
    summary: { connection: ClientConnectionState.Contacting, version: undefined, offersDelivered: false, channels: {}, gpadls: {} },
    accepts: {
      'VERSION_RESPONSE ok': {
        effects: ['connected', 'send:REQUESTOFFERS'],
        after: { connection: ClientConnectionState.Connected, version: VmbusVersion.V5_3 },
      },
      'VERSION_RESPONSE refused': { effects: ['send:INITIATE_CONTACT'], after: {} },
    },
  },
  {
    name: 'Connected, offers coming',
    script: connect,
    summary: { ...ready, offersDelivered: false, channels: {} },
    accepts: {
      ...newOffer({}),
      'OFFERCHANNEL 1 (the disk)': { effects: ['offer'], after: { channels: { 1: O } } },
      'OFFERCHANNEL 4 (the disk again)': { effects: ['offer'], after: { channels: { 4: O } } },
      ALLOFFERS_DELIVERED: { effects: ['allOffersDelivered'], after: { offersDelivered: true } },
    },
  },
  {
    name: 'channels Offered',
    script: seq(connect, offers),
    summary: ready,
    accepts: { ...newOffer({ 1: O, 2: O }), ...rescindDisk({ 1: O, 2: O }) },
  },
  {
    name: 'GPADL Creating',
    script: seq(connect, offers, createGpadl),
    summary: { ...ready, gpadls: { G: ClientGpadlState.Creating } },
    accepts: {
      ...newOffer({ 1: O, 2: O }),
      ...rescindDisk({ 1: O, 2: O }),
      'GPADL_CREATED 1 G ok': { effects: ['gpadlCreated'], after: { gpadls: gCreated } },
      'GPADL_CREATED 1 G fail': { effects: ['gpadlCreated'], after: { gpadls: {} } },
    },
  },
  {
    name: 'GPADL Created',
    script: seq(connect, offers, createGpadl, created),
    summary: { ...ready, gpadls: gCreated },
    accepts: { ...newOffer({ 1: O, 2: O }), ...rescindDisk({ 1: O, 2: O }) },
  },
  {
    name: 'channel Opening',
    script: seq(connect, offers, createGpadl, created, open),
    summary: { ...ready, channels: { 1: ClientChannelState.Opening, 2: O }, gpadls: gCreated },
    accepts: {
      ...newOffer({ 1: ClientChannelState.Opening, 2: O }),
      ...rescindDisk({ 1: ClientChannelState.Opening, 2: O }),
      'OPENCHANNEL_RESULT 1 ok': { effects: ['openResult'], after: { channels: { 1: ClientChannelState.Open, 2: O } } },
      'OPENCHANNEL_RESULT 1 fail': { effects: ['openResult'], after: { channels: { 1: O, 2: O } } },
    },
  },
  {
    name: 'channel Open',
    script: seq(connect, offers, createGpadl, created, open, opened),
    summary: { ...ready, channels: { 1: ClientChannelState.Open, 2: O }, gpadls: gCreated },
    accepts: { ...newOffer({ 1: ClientChannelState.Open, 2: O }), ...rescindDisk({ 1: ClientChannelState.Open, 2: O }) },
  },
  {
    name: 'channel Closed',
    script: seq(connect, offers, createGpadl, created, open, opened, (client) => client.close(1)),
    summary: { ...ready, channels: { 1: ClientChannelState.Closed, 2: O }, gpadls: gCreated },
    accepts: { ...newOffer({ 1: ClientChannelState.Closed, 2: O }), ...rescindDisk({ 1: ClientChannelState.Closed, 2: O }) },
  },
  {
    name: 'GPADL TearingDown',
    script: seq(connect, offers, createGpadl, created, (client) => client.teardownGpadl(G)),
    summary: { ...ready, gpadls: { G: ClientGpadlState.TearingDown } },
    accepts: {
      ...newOffer({ 1: O, 2: O }),
      ...rescindDisk({ 1: O, 2: O }),
      'GPADL_TORNDOWN G': { effects: ['gpadlTornDown'], after: { gpadls: {} } },
    },
  },
  {
    name: 'channel Rescinded while Open',
    script: seq(connect, offers, createGpadl, created, open, opened, rescind),
    summary: { ...ready, channels: { 1: ClientChannelState.Rescinded, 2: O }, gpadls: gCreated },
    accepts: newOffer({ 1: ClientChannelState.Rescinded, 2: O }, true),
  },
  {
    name: 'channel Rescinded while Opening',
    script: seq(connect, offers, createGpadl, created, open, rescind),
    summary: { ...ready, channels: { 1: ClientChannelState.Rescinded, 2: O }, gpadls: gCreated },
    accepts: {
      ...newOffer({ 1: ClientChannelState.Rescinded, 2: O }, true),
      'OPENCHANNEL_RESULT 1 ok': { effects: ['openResult'], after: {} },
      'OPENCHANNEL_RESULT 1 fail': { effects: ['openResult'], after: {} },
    },
  },
  {
    name: 'channel Rescinded, being released',
    script: seq(connect, offers, createGpadl, created, open, opened, rescind, (client) => {
      client.close(1);
      client.teardownGpadl(G);
      client.releaseRelid(1);
    }),
    summary: { ...ready, channels: { 1: ClientChannelState.Rescinded, 2: O }, gpadls: { G: ClientGpadlState.TearingDown } },
    accepts: {
      ...newOffer({ 1: ClientChannelState.Rescinded, 2: O }, true),
      'GPADL_TORNDOWN G': { effects: ['gpadlTornDown', 'send:RELID_RELEASED'], after: { channels: { 2: O }, gpadls: {} } },
    },
  },
  {
    name: 'Unloading',
    script: seq(connect, offers, createGpadl, created, open, opened, (client) => client.unload()),
    summary: { ...ready, connection: ClientConnectionState.Unloading, channels: { 1: ClientChannelState.Open, 2: O }, gpadls: gCreated },
    accepts: {
      // Sent by the host before it saw UNLOAD: still applied.
      ...newOffer({ 1: ClientChannelState.Open, 2: O }),
      ...rescindDisk({ 1: ClientChannelState.Open, 2: O }),
      UNLOAD_RESPONSE: {
        effects: ['unloaded'],
        after: { connection: ClientConnectionState.Disconnected, version: undefined, offersDelivered: false, channels: {}, gpadls: {} },
      },
    },
  },
  {
    name: 'Disconnected after an UNLOAD',
    script: seq(connect, offers, (client) => client.unload(), receive(build.unloadResponse())),
    summary: { connection: ClientConnectionState.Disconnected, version: undefined, offersDelivered: false, channels: {}, gpadls: {} },
    accepts: {},
  },
];

function enter(situation: Situation) {
  const notifier = new RecordingClientNotifier();
  const client = new VmbusClient({}, notifier);
  situation.script(client);
  notifier.take();
  return { client, notifier };
}

describe('VmbusClient: every host message in every state', () => {
  it('the situations cover every connection, channel and GPADL state', () => {
    const summaries = SITUATIONS.map((situation) => situation.summary);
    expect(new Set(summaries.map((summary) => summary.connection))).toEqual(new Set(Object.values(ClientConnectionState)));
    expect(new Set(summaries.flatMap((summary) => Object.values(summary.channels)))).toEqual(new Set(Object.values(ClientChannelState)));
    expect(new Set(summaries.flatMap((summary) => Object.values(summary.gpadls)))).toEqual(new Set(Object.values(ClientGpadlState)));
  });

  it('every message the tables accept exists', () => {
    const names = new Set(ALL_MESSAGES.map((message) => message.name));
    expect(names.size).toBe(ALL_MESSAGES.length);
    for (const situation of SITUATIONS) for (const name of Object.keys(situation.accepts)) expect(names).toContain(name);
  });

  describe.each(SITUATIONS)('$name', (situation) => {
    it('is reached by its script', () => {
      const { client, notifier } = enter(situation);
      expect(summarize(client)).toEqual(situation.summary);
      expect(client.violations).toBe(0);
      expect(notifier.effects).toEqual([]);
    });

    it.each(ALL_MESSAGES)('$name', (message) => {
      const { client, notifier } = enter(situation);
      const before = snapshot(client);
      expect(() => client.receive(message.bytes)).not.toThrow();
      const outcome = situation.accepts[message.name];
      if (outcome) {
        expect(notifier.tags).toEqual(outcome.effects);
        expect(summarize(client)).toEqual({ ...situation.summary, ...outcome.after });
        expect(client.violations).toBe(0);
        return;
      }
      expect(notifier.tags).toEqual(['violation']);
      expect(snapshot(client)).toEqual(before);
      expect(client.violations).toBe(1);
    });
  });
});
