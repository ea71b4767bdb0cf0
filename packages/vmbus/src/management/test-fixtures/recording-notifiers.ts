import { ProtocolError } from '@tsvisor/wire';
import type { OfferChannel } from '../../protocol/channel-messages.js';
import { ChannelManagementViolation } from '../channel-management-violation.js';
import type { VmbusClientNotifier } from '../vmbus-client-notifier.js';
import type { GpadlOfferInfo, OpenRequest, VmbusServerNotifier } from '../vmbus-server-notifier.js';
import { decodeMessage, messageTag, type DecodedMessage } from './channel-message-decoder.js';

/** One effect a machine produced, as recorded by a test notifier. */
export type Effect =
  | { readonly kind: 'send'; readonly bytes: Uint8Array; readonly message: DecodedMessage }
  | { readonly kind: 'violation'; readonly error: ProtocolError | ChannelManagementViolation }
  | { readonly kind: string; readonly args: readonly unknown[] };

/** What both recording notifiers share: a plain array of effects and ways to read it. */
abstract class RecordingNotifier {
  /** Every effect, in order. */
  readonly effects: Effect[] = [];
  /** Where sent messages go next (the peer's `receive`), if anywhere. */
  peer: ((bytes: Uint8Array) => void) | undefined;

  send(bytes: Uint8Array): void {
    this.effects.push({ kind: 'send', bytes: bytes.slice(), message: decodeMessage(bytes) });
    this.peer?.(bytes);
  }

  violation(error: ProtocolError | ChannelManagementViolation): void {
    if (!(error instanceof ProtocolError || error instanceof ChannelManagementViolation)) {
      throw new TypeError(`violation() got ${String(error)}`);
    }
    this.effects.push({ kind: 'violation', error });
  }

  /** Removes and returns every effect recorded so far. */
  take(): Effect[] {
    return this.effects.splice(0);
  }

  /** The messages sent so far, decoded. */
  get sent(): DecodedMessage[] {
    return this.effects.flatMap((effect) => ('message' in effect ? [effect.message] : []));
  }

  /** The violations reported so far. */
  get violations(): (ProtocolError | ChannelManagementViolation)[] {
    return this.effects.flatMap((effect) => ('error' in effect ? [effect.error] : []));
  }

  /** Effects as short tags: `send:NAME[=ok|=fail]`, or the callback's name. */
  get tags(): string[] {
    return this.effects.map((effect) => ('message' in effect ? `send:${messageTag(effect.message)}` : effect.kind));
  }

  protected record(kind: string, ...args: unknown[]): void {
    this.effects.push({ kind, args });
  }
}

/** A {@link VmbusServerNotifier} that records every effect; hooks let a test play the host. */
export class RecordingServerNotifier extends RecordingNotifier implements VmbusServerNotifier {
  /** Called after recording `gpadlOffered`, e.g. to accept at once. */
  onGpadlOffered: ((relid: number, gpadl: number, info: GpadlOfferInfo) => void) | undefined;
  /** Called after recording `openRequested`. */
  onOpenRequested: ((relid: number, request: OpenRequest) => void) | undefined;
  /** Called after recording `closeRequested`. */
  onCloseRequested: ((relid: number) => void) | undefined;
  /** Called after recording `gpadlTeardownRequested`. */
  onGpadlTeardownRequested: ((relid: number, gpadl: number) => void) | undefined;

  connected(version: number): void {
    this.record('connected', version);
  }
  gpadlOffered(relid: number, gpadl: number, info: GpadlOfferInfo): void {
    this.record('gpadlOffered', relid, gpadl, info);
    this.onGpadlOffered?.(relid, gpadl, info);
  }
  openRequested(relid: number, request: OpenRequest): void {
    this.record('openRequested', relid, request);
    this.onOpenRequested?.(relid, request);
  }
  closeRequested(relid: number): void {
    this.record('closeRequested', relid);
    this.onCloseRequested?.(relid);
  }
  gpadlTeardownRequested(relid: number, gpadl: number): void {
    this.record('gpadlTeardownRequested', relid, gpadl);
    this.onGpadlTeardownRequested?.(relid, gpadl);
  }
  relidReleased(relid: number): void {
    this.record('relidReleased', relid);
  }
  unloaded(): void {
    this.record('unloaded');
  }
}

/** A {@link VmbusClientNotifier} that records every effect; hooks let a test play the guest kernel. */
export class RecordingClientNotifier extends RecordingNotifier implements VmbusClientNotifier {
  /** Called after recording `rescinded`. */
  onRescinded: ((relid: number) => void) | undefined;

  connected(version: number, messageConnectionId: number): void {
    this.record('connected', version, messageConnectionId);
  }
  connectFailed(): void {
    this.record('connectFailed');
  }
  offer(offer: OfferChannel): void {
    this.record('offer', offer);
  }
  allOffersDelivered(): void {
    this.record('allOffersDelivered');
  }
  gpadlCreated(gpadl: number, status: number): void {
    this.record('gpadlCreated', gpadl, status);
  }
  gpadlTornDown(gpadl: number): void {
    this.record('gpadlTornDown', gpadl);
  }
  openResult(relid: number, status: number): void {
    this.record('openResult', relid, status);
  }
  rescinded(relid: number): void {
    this.record('rescinded', relid);
    this.onRescinded?.(relid);
  }
  unloaded(): void {
    this.record('unloaded');
  }
}
