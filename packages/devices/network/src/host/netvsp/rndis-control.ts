import { ETHERNET_HEADER_SIZE } from '../../protocol/ethernet.js';
import { writeMac, type MacAddress } from '../../protocol/mac-address.js';
import {
  RNDIS_DF_CONNECTIONLESS,
  RNDIS_MAJOR_VERSION,
  RNDIS_MEDIUM_802_3,
  RNDIS_MINOR_VERSION,
  RndisMessageType,
  RndisStatus,
} from '../../protocol/rndis-message-type.js';
import type { RndisMessage } from '../../protocol/rndis-message.js';
import { MAC_ADDRESS_SIZE, NdisMediaState, RndisOid, oidU32, readOidU32 } from '../../protocol/rndis-oid.js';

/** Link speed reported to the guest: 10 Gbit/s, in the OID's units of 100 bit/s. */
export const NETVSP_LINK_SPEED = 100_000_000;

/** The OIDs the adapter answers, in GEN_SUPPORTED_LIST order. */
export const NETVSP_SUPPORTED_OIDS: readonly number[] = [
  RndisOid.GEN_SUPPORTED_LIST,
  RndisOid.GEN_MAXIMUM_FRAME_SIZE,
  RndisOid.GEN_LINK_SPEED,
  RndisOid.GEN_CURRENT_PACKET_FILTER,
  RndisOid.GEN_MAXIMUM_TOTAL_SIZE,
  RndisOid.GEN_MEDIA_CONNECT_STATUS,
  RndisOid.PERMANENT_ADDRESS_802_3,
  RndisOid.CURRENT_ADDRESS_802_3,
  RndisOid.MAXIMUM_LIST_SIZE_802_3,
];

/** What the RNDIS device needs to know of its adapter. */
export interface RndisAdapterState {
  readonly mac: MacAddress;
  /** The MTU in force (the guest may have lowered it with SEND_NDIS_CONFIG). */
  readonly mtu: number;
  readonly linkUp: boolean;
  /** Largest RNDIS message the guest may send in one piece (a send-buffer section). */
  readonly maxTransferSize: number;
}

/** The outcome of one control message: the answer to send the guest (if any), and whether the message was bad. */
export interface RndisControlOutcome {
  readonly reply: RndisMessage | undefined;
  readonly protocolError: boolean;
}

const NOTHING = new Uint8Array(0);

/**
 * The control side of the adapter's RNDIS device (PROTOCOLS.md §4): INITIALIZE, QUERY, SET,
 * KEEPALIVE, RESET and HALT, and the packet filter the data path consults. A state machine that
 * does no I/O: a decoded message in, the answer out.
 */
export class RndisControl {
  /** NDIS packet filter bits set by the guest; 0 (the start) receives nothing. */
  packetFilter = 0;
  private initializedFlag = false;

  constructor(private readonly adapter: RndisAdapterState) {}

  /** Whether the guest initialized the device (and has not halted it). */
  get initialized(): boolean {
    return this.initializedFlag;
  }

  /** Handles one control message from the guest. */
  handle(message: RndisMessage): RndisControlOutcome {
    switch (message.type) {
      case RndisMessageType.INITIALIZE:
        this.initializedFlag = true;
        this.packetFilter = 0;
        return ok({
          type: RndisMessageType.INITIALIZE_COMPLETE,
          requestId: message.requestId,
          status: RndisStatus.SUCCESS,
          majorVersion: RNDIS_MAJOR_VERSION,
          minorVersion: RNDIS_MINOR_VERSION,
          deviceFlags: RNDIS_DF_CONNECTIONLESS,
          medium: RNDIS_MEDIUM_802_3,
          maxPacketsPerMessage: 1,
          maxTransferSize: this.adapter.maxTransferSize,
          packetAlignmentFactor: 3,
          afListOffset: 0,
          afListSize: 0,
        });
      case RndisMessageType.HALT:
        this.initializedFlag = false;
        this.packetFilter = 0;
        return { reply: undefined, protocolError: false };
      case RndisMessageType.QUERY: {
        if (!this.initializedFlag) return bad({ type: RndisMessageType.QUERY_COMPLETE, requestId: message.requestId, status: RndisStatus.FAILURE, information: NOTHING });
        const value = this.query(message.oid);
        return ok({
          type: RndisMessageType.QUERY_COMPLETE,
          requestId: message.requestId,
          status: value ? RndisStatus.SUCCESS : RndisStatus.NOT_SUPPORTED,
          information: value ?? NOTHING,
        });
      }
      case RndisMessageType.SET: {
        const reply = (status: number) => ({ type: RndisMessageType.SET_COMPLETE, requestId: message.requestId, status }) as const;
        if (!this.initializedFlag) return bad(reply(RndisStatus.FAILURE));
        if (message.oid !== RndisOid.GEN_CURRENT_PACKET_FILTER) return ok(reply(RndisStatus.NOT_SUPPORTED));
        if (message.information.length !== 4) return bad(reply(RndisStatus.INVALID_LENGTH));
        this.packetFilter = readOidU32(message.information, message.oid);
        return ok(reply(RndisStatus.SUCCESS));
      }
      case RndisMessageType.KEEPALIVE:
        return ok({ type: RndisMessageType.KEEPALIVE_COMPLETE, requestId: message.requestId, status: this.initializedFlag ? RndisStatus.SUCCESS : RndisStatus.FAILURE });
      case RndisMessageType.RESET:
        // The guest sets its filter again after an addressing reset.
        this.packetFilter = 0;
        return ok({ type: RndisMessageType.RESET_COMPLETE, status: RndisStatus.SUCCESS, addressingReset: 1 });
      default:
        // Completions, status indications and packets are never control requests from a guest.
        return { reply: undefined, protocolError: true };
    }
  }

  /** The value of `oid` as its information buffer, or undefined when not supported. */
  private query(oid: number): Uint8Array | undefined {
    const { adapter } = this;
    switch (oid) {
      case RndisOid.GEN_SUPPORTED_LIST: {
        const bytes = new Uint8Array(4 * NETVSP_SUPPORTED_OIDS.length);
        const view = new DataView(bytes.buffer);
        NETVSP_SUPPORTED_OIDS.forEach((value, i) => view.setUint32(4 * i, value, true));
        return bytes;
      }
      case RndisOid.GEN_MAXIMUM_FRAME_SIZE:
        return oidU32(adapter.mtu);
      case RndisOid.GEN_MAXIMUM_TOTAL_SIZE:
        return oidU32(adapter.mtu + ETHERNET_HEADER_SIZE);
      case RndisOid.GEN_LINK_SPEED:
        return oidU32(NETVSP_LINK_SPEED);
      case RndisOid.GEN_CURRENT_PACKET_FILTER:
        return oidU32(this.packetFilter);
      case RndisOid.GEN_MEDIA_CONNECT_STATUS:
        return oidU32(adapter.linkUp ? NdisMediaState.CONNECTED : NdisMediaState.DISCONNECTED);
      case RndisOid.PERMANENT_ADDRESS_802_3:
      case RndisOid.CURRENT_ADDRESS_802_3: {
        const bytes = new Uint8Array(MAC_ADDRESS_SIZE);
        writeMac(bytes, 0, adapter.mac);
        return bytes;
      }
      case RndisOid.MAXIMUM_LIST_SIZE_802_3:
        return oidU32(0);
      default:
        return undefined;
    }
  }
}

function ok(reply: RndisMessage): RndisControlOutcome {
  return { reply, protocolError: false };
}

function bad(reply: RndisMessage): RndisControlOutcome {
  return { reply, protocolError: true };
}
