import { PAGE_SIZE } from '@tsvisor/hypervisor-core/guest';
import type { Layout } from '@tsvisor/wire';
import {
  AllOffersDelivered,
  ChannelMessageType as T,
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
  VmbusVersion,
} from '../../protocol/channel-messages.js';
import { GpaRange, PFN_SIZE } from '../../protocol/packet-descriptor.js';

/** `layout` then the PFNs as u64s, unchecked, so tests can send any 64-bit value. */
function withPfns<V>(layout: Layout<V>, value: V, pfns: readonly (number | bigint)[]): Uint8Array {
  const bytes = new Uint8Array(layout.size + pfns.length * PFN_SIZE);
  const view = new DataView(bytes.buffer);
  layout.write(view, 0, value);
  pfns.forEach((pfn, index) => view.setBigUint64(layout.size + index * PFN_SIZE, BigInt(pfn), true));
  return bytes;
}

/** Raw channel-management messages for tests, built field by field so they can also be wrong. */
export const build = {
  initiateContact: (version: number = VmbusVersion.V5_3, targetVcpu = 1, msgSint = 2, msgVtl = 0) =>
    InitiateContact.encode({
      msgtype: T.INITIATE_CONTACT,
      vmbusVersionRequested: version,
      targetVcpu,
      msgSint,
      msgVtl,
      monitorPage1: 0n,
      monitorPage2: 0n,
    }),
  requestOffers: () => RequestOffers.encode({ msgtype: T.REQUESTOFFERS }),
  openChannel: (relid: number, gpadl: number, downstreamRingPageOffset = 2, openId = relid, targetVp = 0) =>
    OpenChannel.encode({
      msgtype: T.OPENCHANNEL,
      childRelid: relid,
      openId,
      ringBufferGpadlHandle: gpadl,
      targetVp,
      downstreamRingBufferPageOffset: downstreamRingPageOffset,
      userData: new Uint8Array([1, 2, 3]),
    }),
  closeChannel: (relid: number) => CloseChannel.encode({ msgtype: T.CLOSECHANNEL, childRelid: relid }),
  /**
   * A GPADL_HEADER. By default it describes `pageCount` whole pages and carries the first
   * min(pageCount, 26) of `pfns`; every field can be overridden to make it wrong.
   */
  gpadlHeader: (
    relid: number,
    gpadl: number,
    pfns: readonly (number | bigint)[],
    overrides: { pageCount?: number; byteCount?: number; byteOffset?: number; rangeBufLen?: number; rangeCount?: number; carried?: number } = {},
  ) => {
    const pageCount = overrides.pageCount ?? pfns.length;
    const carried = overrides.carried ?? Math.min(pageCount, GPADL_HEADER_MAX_PFNS);
    return withPfns(
      GpadlHeader,
      {
        msgtype: T.GPADL_HEADER,
        childRelid: relid,
        gpadl,
        rangeBufLen: overrides.rangeBufLen ?? GpaRange.size + pageCount * PFN_SIZE,
        rangeCount: overrides.rangeCount ?? 1,
        range: { byteCount: overrides.byteCount ?? pageCount * PAGE_SIZE, byteOffset: overrides.byteOffset ?? 0 },
      },
      pfns.slice(0, carried),
    );
  },
  gpadlBody: (msgNumber: number, gpadl: number, pfns: readonly (number | bigint)[]) =>
    withPfns(GpadlBody, { msgtype: T.GPADL_BODY, msgNumber, gpadl }, pfns),
  /** GPADL_HEADER and the GPADL_BODY messages a well-behaved guest sends for `pfns`. */
  gpadl: (relid: number, gpadl: number, pfns: readonly (number | bigint)[]) => {
    const messages = [build.gpadlHeader(relid, gpadl, pfns)];
    for (let start = GPADL_HEADER_MAX_PFNS; start < pfns.length; start += GPADL_BODY_MAX_PFNS) {
      messages.push(build.gpadlBody(messages.length, gpadl, pfns.slice(start, start + GPADL_BODY_MAX_PFNS)));
    }
    return messages;
  },
  gpadlTeardown: (relid: number, gpadl: number) => GpadlTeardown.encode({ msgtype: T.GPADL_TEARDOWN, childRelid: relid, gpadl }),
  relidReleased: (relid: number) => RelidReleased.encode({ msgtype: T.RELID_RELEASED, childRelid: relid }),
  unload: () => Unload.encode({ msgtype: T.UNLOAD }),

  versionResponse: (supported: number, msgConnId = 4) =>
    VersionResponse.encode({ msgtype: T.VERSION_RESPONSE, versionSupported: supported, connectionState: 0, msgConnId }),
  offerChannel: (relid: number, interfaceType: string, interfaceInstance: string, subChannelIndex = 0, connectionId = 0x10000 + relid) =>
    OfferChannel.encode({
      msgtype: T.OFFERCHANNEL,
      offer: {
        interfaceType,
        interfaceInstance,
        channelFlags: 0,
        mmioMegabytes: 0,
        userDefined: new Uint8Array(120),
        subChannelIndex,
      },
      childRelid: relid,
      monitorId: 0,
      monitorAllocated: 0,
      isDedicatedInterrupt: 1,
      connectionId,
    }),
  rescind: (relid: number) => RescindChannelOffer.encode({ msgtype: T.RESCIND_CHANNELOFFER, childRelid: relid }),
  allOffersDelivered: () => AllOffersDelivered.encode({ msgtype: T.ALLOFFERS_DELIVERED }),
  openResult: (relid: number, status: number, openId = relid) =>
    OpenChannelResult.encode({ msgtype: T.OPENCHANNEL_RESULT, childRelid: relid, openId, status }),
  gpadlCreated: (relid: number, gpadl: number, status: number) =>
    GpadlCreated.encode({ msgtype: T.GPADL_CREATED, childRelid: relid, gpadl, creationStatus: status }),
  gpadlTorndown: (gpadl: number) => GpadlTorndown.encode({ msgtype: T.GPADL_TORNDOWN, gpadl }),
  unloadResponse: () => UnloadResponse.encode({ msgtype: T.UNLOAD_RESPONSE }),

  /** A message of any type code: the 8-byte header, then `extra` zero bytes. */
  raw: (msgtype: number, extra = 8) => {
    const bytes = new Uint8Array(8 + extra);
    new DataView(bytes.buffer).setUint32(0, msgtype >>> 0, true);
    return bytes;
  },
  /** `bytes` followed by `count` more zero bytes. */
  padded: (bytes: Uint8Array, count: number) => {
    const out = new Uint8Array(bytes.length + count);
    out.set(bytes);
    return out;
  },
};

/** `count` consecutive PFNs from `first`. */
export function pageRun(first: number, count: number): number[] {
  return Array.from({ length: count }, (_, index) => first + index);
}
