import { type Layout } from '@tsvisor/wire';
import {
  AllOffersDelivered,
  ChannelMessageHeader,
  ChannelMessageType,
  CloseChannel,
  GPADL_BODY_MAX_PFNS,
  GPADL_HEADER_MAX_PFNS,
  GpadlBody,
  GpadlCreated,
  GpadlHeader,
  GpadlTeardown,
  GpadlTorndown,
  InitiateContact,
  OfferChannel,
  OpenChannel,
  OpenChannelResult,
  RelidReleased,
  RequestOffers,
  RescindChannelOffer,
  Unload,
  UnloadResponse,
  VersionResponse,
} from '../../protocol/channel-messages.js';
import { decodeExact, decodeWithPfns } from '../channel-message-frame.js';

/** Name of a message type code, e.g. `OPENCHANNEL_RESULT`, or `#n` for an unknown one. */
export function messageName(code: number): string {
  return Object.entries(ChannelMessageType).find(([, value]) => value === code)?.[0] ?? `#${code}`;
}

/** The fixed layout of each message type with one. */
export const LAYOUTS: ReadonlyMap<number, Layout<object>> = new Map<number, Layout<object>>([
  [ChannelMessageType.OFFERCHANNEL, OfferChannel],
  [ChannelMessageType.RESCIND_CHANNELOFFER, RescindChannelOffer],
  [ChannelMessageType.REQUESTOFFERS, RequestOffers],
  [ChannelMessageType.ALLOFFERS_DELIVERED, AllOffersDelivered],
  [ChannelMessageType.OPENCHANNEL, OpenChannel],
  [ChannelMessageType.OPENCHANNEL_RESULT, OpenChannelResult],
  [ChannelMessageType.CLOSECHANNEL, CloseChannel],
  [ChannelMessageType.GPADL_HEADER, GpadlHeader],
  [ChannelMessageType.GPADL_BODY, GpadlBody],
  [ChannelMessageType.GPADL_CREATED, GpadlCreated],
  [ChannelMessageType.GPADL_TEARDOWN, GpadlTeardown],
  [ChannelMessageType.GPADL_TORNDOWN, GpadlTorndown],
  [ChannelMessageType.RELID_RELEASED, RelidReleased],
  [ChannelMessageType.INITIATE_CONTACT, InitiateContact],
  [ChannelMessageType.VERSION_RESPONSE, VersionResponse],
  [ChannelMessageType.UNLOAD, Unload],
  [ChannelMessageType.UNLOAD_RESPONSE, UnloadResponse],
]);

/** A decoded message: its type's name, its fields, and the PFNs after a GPADL_HEADER or GPADL_BODY. */
export type DecodedMessage = { readonly name: string; readonly pfns?: readonly number[] } & Record<string, unknown>;

/** Decodes a whole message strictly (exact size, PFNs included); throws ProtocolError otherwise. */
export function decodeMessage(bytes: Uint8Array): DecodedMessage {
  const { msgtype } = ChannelMessageHeader.decode(bytes);
  const name = messageName(msgtype);
  if (msgtype === ChannelMessageType.GPADL_HEADER || msgtype === ChannelMessageType.GPADL_BODY) {
    const [layout, max] =
      msgtype === ChannelMessageType.GPADL_HEADER
        ? ([GpadlHeader, GPADL_HEADER_MAX_PFNS] as const)
        : ([GpadlBody, GPADL_BODY_MAX_PFNS] as const);
    const { message, pfns } = decodeWithPfns<object>(layout, bytes, max);
    return { name, ...message, pfns };
  }
  const layout = LAYOUTS.get(msgtype);
  if (!layout) throw new Error(`no layout for message type ${msgtype}`);
  return { name, ...decodeExact(layout, bytes) };
}

/**
 * A short tag for a message, as the state tables expect them: its name, with `=ok` or `=fail` for
 * the answers that carry a status.
 */
export function messageTag(message: DecodedMessage): string {
  const status = message['status'] ?? message['creationStatus'] ?? message['versionSupported'];
  if (status === undefined) return message.name;
  const ok = message.name === 'VERSION_RESPONSE' ? status === 1 : status === 0;
  return `${message.name}=${ok ? 'ok' : 'fail'}`;
}
