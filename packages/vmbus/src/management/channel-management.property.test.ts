import { GuestMemory } from '@tsvisor/hypervisor-core';
import { PAGE_SIZE, SYNIC_MAX_PAYLOAD } from '@tsvisor/hypervisor-core/guest';
import { ProtocolError } from '@tsvisor/wire';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChannelMessageType, VMBUS_VERSIONS } from '../protocol/channel-messages.js';
import { ChannelManagementViolation } from './channel-management-violation.js';
import { ClientStateError } from './client-state-error.js';
import { GpadlState } from './gpadl-state.js';
import { ServerStateError } from './server-state-error.js';
import { decodeMessage } from './test-fixtures/channel-message-decoder.js';
import { build, pageRun } from './test-fixtures/channel-message-builders.js';
import { RecordingClientNotifier, RecordingServerNotifier, type Effect } from './test-fixtures/recording-notifiers.js';
import { VmbusClient } from './vmbus-client.js';
import { MAX_RELID, VmbusServer } from './vmbus-server.js';

/** A small guest: 64 pages, the top 4 reserved, so random PFNs often fall outside or in the reserved pages. */
const memory = new GuestMemory(64 * PAGE_SIZE, 4);
const DEVICES = [
  { interfaceType: 'ba6163d9-04a1-4d29-b605-72e2ffb1dc7f', interfaceInstance: '00112233-4455-6677-8899-aabbccddeeff' },
  { interfaceType: 'f8615163-df3e-46c5-913f-f2d2f965ed0e', interfaceInstance: '11111111-2222-3333-4444-555555555555' },
  { interfaceType: '57164f39-9115-4e78-ab55-382f3bd5422d', interfaceInstance: '22222222-3333-4444-5555-666666666666' },
];
const CODES = [...Object.values(ChannelMessageType), 0, 18, 30, 0xffffffff];
const RUNS = { numRuns: 200 };

// ------------------------------------------------------------------ arbitraries

/** Arbitrary bytes, often starting with a real message type so that decoding goes deeper. */
const anyBytes = fc.oneof(
  fc.uint8Array({ maxLength: 300 }),
  fc.tuple(fc.constantFrom(...CODES), fc.uint8Array({ maxLength: 292 })).map(([code, rest]) => {
    const bytes = new Uint8Array(8 + rest.length);
    new DataView(bytes.buffer).setUint32(0, code >>> 0, true);
    bytes.set(rest, 8);
    return bytes;
  }),
);

const relid = fc.constantFrom(0, 1, 2, 3, 4, 99);
const handle = fc.constantFrom(0, 1, 2, 3, 0xe1e10);
const pfn = fc.oneof({ weight: 8, arbitrary: fc.nat(70) }, { weight: 1, arbitrary: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }) });
const pfns = fc.array(pfn, { minLength: 1, maxLength: 70 });

/** Guest → host messages that look valid: real layouts with field values from small sets. */
const guestMessages: fc.Arbitrary<readonly Uint8Array[]> = fc.oneof(
  fc
    .tuple(fc.constantFrom(...VMBUS_VERSIONS, 0x90000), fc.nat(3), fc.constantFrom(2, 3))
    .map(([version, vcpu, sint]) => [build.initiateContact(version, vcpu, sint)]),
  fc.constant([build.requestOffers()]),
  fc.constant([build.unload()]),
  fc.tuple(relid, handle, fc.nat(8)).map(([r, h, offset]) => [build.openChannel(r, h, offset)]),
  relid.map((r) => [build.closeChannel(r)]),
  relid.map((r) => [build.relidReleased(r)]),
  fc.tuple(relid, handle).map(([r, h]) => [build.gpadlTeardown(r, h)]),
  fc.tuple(relid, handle, pfns).map(([r, h, list]) => build.gpadl(r, h, list)),
  fc.tuple(relid, handle, pfns).map(([r, h, list]) => [build.gpadlHeader(r, h, list)]),
  fc.tuple(fc.nat(4), handle, fc.array(pfn, { minLength: 1, maxLength: 28 })).map(([n, h, list]) => [build.gpadlBody(n, h, list)]),
  anyBytes.map((bytes) => [bytes]),
);

/** A host decision, aimed at a channel or GPADL the server holds (picked by index) or at a made-up one. */
type HostAction = { readonly kind: string; readonly pick: number; readonly value: number };
const hostAction: fc.Arbitrary<HostAction> = fc.record({
  kind: fc.constantFrom('offer', 'rescind', 'acceptGpadl', 'refuseGpadl', 'completeOpen', 'completeClose', 'completeGpadlTeardown'),
  pick: fc.nat(20),
  value: fc.constantFrom(0, 1, 2, 0xc0000001),
});

function pickFrom(list: readonly number[], pick: number): number {
  return list.length > 0 && pick < 16 ? list[pick % list.length]! : pick;
}

function runHostAction(server: VmbusServer, action: HostAction): void {
  const relid = pickFrom(server.relids, action.pick);
  const gpadl = pickFrom(server.gpadlHandles, action.pick);
  switch (action.kind) {
    case 'offer':
      server.offer({ ...DEVICES[action.pick % DEVICES.length]!, subChannelIndex: action.value % 3 });
      return;
    case 'rescind':
      return server.rescind(relid);
    case 'acceptGpadl':
      return server.acceptGpadl(gpadl);
    case 'refuseGpadl':
      return server.refuseGpadl(gpadl, action.value);
    case 'completeOpen':
      return server.completeOpen(relid, action.value);
    case 'completeClose':
      return server.completeClose(relid);
    default:
      return server.completeGpadlTeardown(gpadl);
  }
}

function serverSnapshot(server: VmbusServer) {
  return {
    connection: server.connectionState,
    version: server.version,
    vcpu: server.targetVcpu,
    channels: server.relids.map((r) => server.channel(r)),
    gpadls: server.gpadlHandles.map((h) => server.gpadl(h)),
  };
}

// ------------------------------------------------------------------ invariants

/** How far each notifier's effects have been checked, and the violations among them. */
const checked = new WeakMap<object, { effects: number; violations: number }>();

/** The effects recorded since the last call for this notifier. */
function newEffects(notifier: RecordingServerNotifier | RecordingClientNotifier): { effects: Effect[]; violations: number } {
  const progress = checked.get(notifier) ?? { effects: 0, violations: 0 };
  const effects = notifier.effects.slice(progress.effects);
  progress.effects = notifier.effects.length;
  progress.violations += effects.filter((effect) => effect.kind === 'violation').length;
  checked.set(notifier, progress);
  return { effects, violations: progress.violations };
}

/** Violations are typed and counted; every message sent fits a SynIC payload and decodes strictly. */
function expectEffectInvariants(notifier: RecordingServerNotifier | RecordingClientNotifier, counted: number): Effect[] {
  const { effects, violations } = newEffects(notifier);
  expect(violations).toBe(counted);
  for (const effect of effects) {
    if ('error' in effect) {
      expect(effect.error instanceof ProtocolError || effect.error instanceof ChannelManagementViolation).toBe(true);
    } else if ('bytes' in effect) {
      expect(effect.bytes.length).toBeLessThanOrEqual(SYNIC_MAX_PAYLOAD);
      expect(() => decodeMessage(effect.bytes)).not.toThrow();
    }
  }
  return effects;
}

/** No page the guest may not share ever reaches the host, and the limits hold. */
function expectServerInvariants(server: VmbusServer, notifier: RecordingServerNotifier): void {
  let pages = 0;
  for (const handle of server.gpadlHandles) {
    const gpadl = server.gpadl(handle)!;
    pages += gpadl.pageCount;
    expect(handle).not.toBe(0);
    expect(gpadl.pfns.every((page) => memory.isDevicePfn(page))).toBe(true);
    if (gpadl.state !== GpadlState.InProgress) expect(gpadl.pfns).toHaveLength(gpadl.pageCount);
  }
  expect(server.gpadlHandles.length).toBeLessThanOrEqual(256);
  expect(pages).toBeLessThanOrEqual(65_536);
  expect(server.relids.every((relid) => relid >= 1 && relid <= MAX_RELID)).toBe(true);
  for (const effect of expectEffectInvariants(notifier, server.violations)) {
    if (effect.kind !== 'gpadlOffered' || !('args' in effect)) continue;
    const info = effect.args[2] as { pfns: readonly number[] };
    expect(info.pfns.every((page) => memory.isDevicePfn(page))).toBe(true);
  }
}

// ------------------------------------------------------------------ properties

describe('VmbusServer properties', () => {
  it('random bytes never make receive throw; only ProtocolError and ChannelManagementViolation are reported', () => {
    fc.assert(
      fc.property(fc.array(guestMessages, { maxLength: 6 }), fc.array(anyBytes, { minLength: 1, maxLength: 10 }), (prefix, noise) => {
        const notifier = new RecordingServerNotifier();
        const server = new VmbusServer({ memory }, notifier);
        server.offer(DEVICES[0]!);
        server.receive(build.initiateContact());
        server.receive(build.requestOffers());
        for (const bytes of prefix.flat()) server.receive(bytes);
        for (const bytes of noise) expect(() => server.receive(bytes)).not.toThrow();
        expectServerInvariants(server, notifier);
      }),
      RUNS,
    );
  });

  it('random valid-ish guest messages and host decisions keep every invariant; host misuse changes nothing', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.array(fc.oneof(guestMessages, hostAction), LONG), (connected, steps) => {
        const notifier = new RecordingServerNotifier();
        const server = new VmbusServer({ memory }, notifier);
        server.offer(DEVICES[0]!);
        server.offer(DEVICES[1]!);
        if (connected) {
          server.receive(build.initiateContact());
          server.receive(build.requestOffers());
        }
        for (const step of steps) {
          if (Array.isArray(step)) {
            for (const bytes of step) expect(() => server.receive(bytes)).not.toThrow();
          } else {
            const before = serverSnapshot(server);
            const effects = notifier.effects.length;
            try {
              runHostAction(server, step as HostAction);
            } catch (error) {
              expect(error instanceof ServerStateError || error instanceof RangeError).toBe(true);
              expect(serverSnapshot(server)).toEqual(before);
              expect(notifier.effects).toHaveLength(effects);
            }
          }
          expectServerInvariants(server, notifier);
        }
      }),
      RUNS,
    );
  });
});

// ------------------------------------------------------------------ client

const hostMessages: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.tuple(fc.constantFrom(0, 1, 2), fc.nat(8)).map(([supported, id]) => build.versionResponse(supported, id)),
  fc.tuple(relid, fc.nat(DEVICES.length - 1), fc.nat(2)).map(([r, d, sub]) => build.offerChannel(r, DEVICES[d]!.interfaceType, DEVICES[d]!.interfaceInstance, sub)),
  relid.map((r) => build.rescind(r)),
  fc.constant(build.allOffersDelivered()),
  fc.tuple(relid, fc.constantFrom(0, 1), fc.constantFrom(0, 7)).map(([r, status, id]) => build.openResult(r, status, id || r)),
  fc.tuple(relid, handle, fc.constantFrom(0, 1)).map(([r, h, status]) => build.gpadlCreated(r, h, status)),
  handle.map((h) => build.gpadlTorndown(h)),
  fc.constant(build.unloadResponse()),
  anyBytes,
);

type ClientAction = { readonly kind: string; readonly pick: number; readonly pages: number };
const clientAction: fc.Arbitrary<ClientAction> = fc.record({
  kind: fc.constantFrom('connect', 'createGpadl', 'teardownGpadl', 'open', 'close', 'releaseRelid', 'unload'),
  pick: fc.nat(20),
  pages: fc.integer({ min: 1, max: 60 }),
});
/** Guest requests weighted towards the channel's life rather than connecting and unloading. */
const guestRequest: fc.Arbitrary<ClientAction> = fc.record({
  kind: fc.oneof(
    { weight: 1, arbitrary: fc.constantFrom('connect', 'unload') },
    { weight: 8, arbitrary: fc.constantFrom('createGpadl', 'open', 'open', 'close', 'teardownGpadl', 'releaseRelid') },
  ),
  pick: fc.nat(20),
  pages: fc.integer({ min: 1, max: 60 }),
});
/** Long sequences: fast-check keeps arrays short unless told otherwise. */
const LONG = { size: 'max', maxLength: 60 } as const;

function runClientAction(client: VmbusClient, action: ClientAction): void {
  const relid = pickFrom(client.relids, action.pick);
  const gpadl = pickFrom(client.gpadlHandles, action.pick);
  switch (action.kind) {
    case 'connect':
      return client.connect();
    case 'createGpadl':
      void client.createGpadl(relid, pageRun(action.pick, action.pages));
      return;
    case 'teardownGpadl':
      return client.teardownGpadl(gpadl);
    case 'open':
      return client.open(relid, { gpadl, downstreamRingPageOffset: Math.floor(action.pages / 2), targetVp: 0 });
    case 'close':
      return client.close(relid);
    case 'releaseRelid':
      return client.releaseRelid(relid);
    default:
      return client.unload();
  }
}

function clientSnapshot(client: VmbusClient) {
  return {
    connection: client.connectionState,
    version: client.version,
    offersDelivered: client.offersDelivered,
    channels: client.relids.map((r) => client.channel(r)),
    gpadls: client.gpadlHandles.map((h) => client.gpadl(h)),
  };
}

describe('VmbusClient properties', () => {
  it('random host messages and guest requests never make receive throw; misuse throws ClientStateError or RangeError and changes nothing', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(hostMessages, clientAction), LONG), (steps) => {
        const notifier = new RecordingClientNotifier();
        const client = new VmbusClient({ maxOffers: 4 }, notifier);
        for (const step of steps) {
          if (step instanceof Uint8Array) {
            expect(() => client.receive(step)).not.toThrow();
          } else {
            const before = clientSnapshot(client);
            const effects = notifier.effects.length;
            try {
              runClientAction(client, step);
            } catch (error) {
              expect(error instanceof ClientStateError || error instanceof RangeError).toBe(true);
              expect(clientSnapshot(client)).toEqual(before);
              expect(notifier.effects).toHaveLength(effects);
            }
          }
          expect(client.relids.length).toBeLessThanOrEqual(4);
          expect(client.gpadlHandles).not.toContain(0);
          expectEffectInvariants(notifier, client.violations);
        }
      }),
      RUNS,
    );
  });
});

// ------------------------------------------------------------------ the pair

/** A host decision among the answers the server currently owes, or a new offer or a rescind. */
type PairHostAction = { readonly kind: 'answer' | 'offer' | 'rescind'; readonly pick: number; readonly ok: boolean };
const pairHostAction: fc.Arbitrary<PairHostAction> = fc.record({
  kind: fc.oneof({ weight: 6, arbitrary: fc.constant('answer' as const) }, { weight: 1, arbitrary: fc.constantFrom('offer' as const, 'rescind' as const) }),
  pick: fc.nat(20),
  ok: fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
});

function answerSomething(server: VmbusServer, action: PairHostAction): void {
  const owedGpadls = server.gpadlHandles.filter((h) => server.gpadl(h)!.state !== GpadlState.Accepted && server.gpadl(h)!.state !== GpadlState.InProgress);
  const owedChannels = server.relids.filter((r) => server.channel(r)!.awaitingHost !== undefined);
  const owed = [...owedGpadls.map((h) => ({ gpadl: h })), ...owedChannels.map((r) => ({ relid: r }))];
  const target = owed[action.pick % Math.max(owed.length, 1)];
  if (!target) return;
  if ('gpadl' in target) {
    const state = server.gpadlState(target.gpadl);
    if (state === GpadlState.TearingDown) server.completeGpadlTeardown(target.gpadl);
    else if (action.ok) server.acceptGpadl(target.gpadl);
    else server.refuseGpadl(target.gpadl, 0xc000009a);
  } else if (server.channel(target.relid)!.awaitingHost === 'open') {
    server.completeOpen(target.relid, action.ok ? 0 : 0xc0000001);
  } else {
    server.completeClose(target.relid);
  }
}

/** Guest requests a well-behaved guest kernel would make: valid pages, rings of at least two pages. */
function runGuestRequest(client: VmbusClient, action: ClientAction): void {
  const relid = pickFrom(client.relids, action.pick);
  const gpadl = pickFrom(client.gpadlHandles, action.pick);
  const pages = Math.max(4, action.pages);
  switch (action.kind) {
    case 'createGpadl':
      void client.createGpadl(relid, pageRun(0, Math.min(pages, 60)));
      return;
    case 'open':
      return client.open(relid, { gpadl, downstreamRingPageOffset: 2, targetVp: 0 });
    default:
      return runClientAction(client, action);
  }
}

describe('VmbusServer and VmbusClient together', () => {
  it('a well-behaved guest and host never provoke a violation on either side, whatever they do', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(guestRequest, pairHostAction), LONG), (steps) => {
        const hostSide = new RecordingServerNotifier();
        const guestSide = new RecordingClientNotifier();
        const server = new VmbusServer({ memory }, hostSide);
        const client = new VmbusClient({}, guestSide);
        hostSide.peer = (bytes) => client.receive(bytes);
        guestSide.peer = (bytes) => server.receive(bytes);
        server.offer(DEVICES[0]!);
        client.connect();
        for (const step of steps) {
          try {
            if ('ok' in step) {
              if (step.kind === 'answer') answerSomething(server, step);
              else if (step.kind === 'offer') server.offer({ ...DEVICES[step.pick % DEVICES.length]!, subChannelIndex: step.pick % 3 });
              else server.rescind(pickFrom(server.relids, step.pick));
            } else {
              runGuestRequest(client, step);
            }
          } catch (error) {
            expect(error instanceof ClientStateError || error instanceof ServerStateError).toBe(true);
          }
          expect([server.violations, client.violations]).toEqual([0, 0]);
          expectServerInvariants(server, hostSide);
        }
      }),
      RUNS,
    );
  });

  it('with messages delayed and interleaved at random, races are refused politely: never a ProtocolError, never a throw', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(guestRequest, pairHostAction, fc.constantFrom('toHost', 'toGuest')), LONG), (steps) => {
        const hostSide = new RecordingServerNotifier();
        const guestSide = new RecordingClientNotifier();
        const server = new VmbusServer({ memory }, hostSide);
        const client = new VmbusClient({}, guestSide);
        const toHost: Uint8Array[] = [];
        const toGuest: Uint8Array[] = [];
        hostSide.peer = (bytes) => toGuest.push(bytes);
        guestSide.peer = (bytes) => toHost.push(bytes);
        server.offer(DEVICES[0]!);
        server.offer(DEVICES[1]!);
        client.connect();
        for (const step of steps) {
          try {
            if (step === 'toHost') {
              const bytes = toHost.shift();
              if (bytes) server.receive(bytes);
            } else if (step === 'toGuest') {
              const bytes = toGuest.shift();
              if (bytes) client.receive(bytes);
            } else if ('ok' in step) {
              if (step.kind === 'answer') answerSomething(server, step);
              else if (step.kind === 'offer') server.offer({ ...DEVICES[step.pick % DEVICES.length]!, subChannelIndex: step.pick % 3 });
              else server.rescind(pickFrom(server.relids, step.pick));
            } else {
              runGuestRequest(client, step);
            }
          } catch (error) {
            expect(error instanceof ClientStateError || error instanceof ServerStateError).toBe(true);
          }
        }
        const errors = [...hostSide.violations, ...guestSide.violations];
        for (const error of errors) expect(error).toBeInstanceOf(ChannelManagementViolation);
        expectServerInvariants(server, hostSide);
      }),
      RUNS,
    );
  });
});
