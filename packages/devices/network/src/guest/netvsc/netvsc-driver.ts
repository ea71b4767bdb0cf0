import { ChannelStatus, type Channel, type PageMemory } from '@tsvisor/device-sdk';
import type { VscContext, VscDriver } from '@tsvisor/device-sdk/guest';
import { firstValueFrom } from 'rxjs';
import { networkSyntheticClass, NETWORK_MAX_MTU } from '../../network-class.js';
import { ETHERNET_HEADER_SIZE } from '../../protocol/ethernet.js';
import { readMac } from '../../protocol/mac-address.js';
import { NVSP_RECEIVE_BUFFER_ID, NVSP_SEND_BUFFER_ID } from '../../protocol/nvsp-buffer.js';
import { NvspMessageType, NvspStatus } from '../../protocol/nvsp-message-type.js';
import { encodeNvspMessage, readNvspMessage, type NvspHostMessage, type NvspMessage } from '../../protocol/nvsp-message.js';
import { NVSP_GUEST_VERSIONS, NvspVersion, ndisVersionFor } from '../../protocol/nvsp-version.js';
import { RNDIS_MAJOR_VERSION, RNDIS_MINOR_VERSION, RndisMessageType, RndisStatus } from '../../protocol/rndis-message-type.js';
import { NdisMediaState, NdisPacketFilter, RndisOid, oidU32, readOidMacAddress, readOidU32 } from '../../protocol/rndis-oid.js';
import { NetvscBringUpError } from './netvsc-bring-up-error.js';
import { NetvscSharedBuffer } from './netvsc-shared-buffer.js';
import { NetworkAdapter } from './network-adapter.js';

const NO_INFORMATION = new Uint8Array(0);

/** Options of the {@link NetvscDriver}. */
export interface NetvscDriverOptions {
  /** Bytes of the receive buffer, whole pages. Default {@link NETVSC_DEFAULT_RECEIVE_BUFFER_SIZE}, less in a VM without a free run that long. */
  readonly receiveBufferSize?: number;
  /** Bytes of the send buffer, whole pages. Default {@link NETVSC_DEFAULT_SEND_BUFFER_SIZE}, less in a VM without a free run that long. */
  readonly sendBufferSize?: number;
  /** NVSP versions proposed, in order. Default newest first, as Linux does. */
  readonly versions?: readonly number[];
  /** The MTU asked for; the host's adapter MTU caps it. Default the largest (9000). */
  readonly mtu?: number;
  /** The packet filter set at bring-up. Default directed, multicast and broadcast. */
  readonly packetFilter?: number;
}

/**
 * Default receive buffer: 2 MiB, about 1 300 slots of a standard frame. The receive buffer bounds
 * the frames in flight toward the guest (a slot is free again only once the guest has completed
 * its packet): at 256 KiB a busy receiver dropped a fifth of its frames for want of a slot. Linux
 * asks for 16 MiB; tsvisor VMs are small (8 MiB of RAM by default), so less.
 */
export const NETVSC_DEFAULT_RECEIVE_BUFFER_SIZE = 2 * 1024 * 1024;
/** The smallest receive buffer the driver falls back to when guest memory is short: 256 KiB. */
export const NETVSC_MIN_RECEIVE_BUFFER_SIZE = 256 * 1024;

/**
 * Default send buffer: 1 MiB, Linux's default (NETVSC_SEND_BUFFER_DEFAULT). Each section in flight
 * holds one full-size frame or a batch of small ones until the host completes it, so the sections
 * bound the frames in flight: at 128 KiB a stream of 1500-byte frames stalled on 81 sections.
 */
export const NETVSC_DEFAULT_SEND_BUFFER_SIZE = 1024 * 1024;
/** The smallest send buffer the driver falls back to when guest memory is short: 128 KiB. */
export const NETVSC_MIN_SEND_BUFFER_SIZE = 128 * 1024;

/**
 * A buffer of the size the options ask for, or of `preferred` bytes — halved while guest memory has
 * no free run that long, down to `minimum` (a small VM still gets a NIC).
 */
async function shareBuffer(context: VscContext, memory: PageMemory, asked: number | undefined, preferred: number, minimum: number): Promise<NetvscSharedBuffer> {
  if (asked !== undefined) return NetvscSharedBuffer.share(context, memory, asked);
  for (let size = preferred; ; size /= 2) {
    try {
      return await NetvscSharedBuffer.share(context, memory, size);
    } catch (error) {
      if (!(error instanceof RangeError) || size <= minimum) throw error;
    }
  }
}

/**
 * The netvsc driver: binds to `network.synthetic` offers and brings the adapter up as Linux's
 * netvsc does (PROTOCOLS.md §4): NVSP INIT from the newest version down, NDIS config and version,
 * the receive and send buffers (guest pages lent by the kernel, shared with the host as GPADLs and
 * named by handle), then RNDIS INITIALIZE, the MAC address, MTU and link state queried, and the
 * packet filter set. The device is a {@link NetworkAdapter}. On unbind the buffers are revoked
 * (if the channel is still open), then their GPADLs torn down and their pages given back.
 * Guest-safe: plain JavaScript built-ins only.
 */
export class NetvscDriver implements VscDriver<NetworkAdapter> {
  readonly deviceClass = networkSyntheticClass;
  /** The buffers each bound adapter shares with its host. */
  private readonly shared = new Map<NetworkAdapter, NetvscSharedBuffer[]>();

  constructor(private readonly options: NetvscDriverOptions = {}) {}

  async bind(context: VscContext): Promise<NetworkAdapter> {
    const channel = await context.open();
    const adapter = new NetworkAdapter(channel);
    const buffers: NetvscSharedBuffer[] = [];
    try {
      await this.bringUp(context, channel, adapter, buffers);
    } catch (error) {
      adapter.close();
      channel.close();
      for (const buffer of buffers) await buffer.release();
      throw error;
    }
    this.shared.set(adapter, buffers);
    return adapter;
  }

  async unbind(adapter: NetworkAdapter): Promise<void> {
    adapter.close();
    const buffers = this.shared.get(adapter) ?? [];
    this.shared.delete(adapter);
    const channel = adapter.channel;
    // As Linux's netvsc_device_remove: revoke both buffers (no completion asked), then tear down their GPADLs.
    if (channel.state === ChannelStatus.Open) {
      await Promise.all([
        channel.send({ payload: encodeNvspMessage({ type: NvspMessageType.REVOKE_RECEIVE_BUFFER, id: NVSP_RECEIVE_BUFFER_ID }) }),
        channel.send({ payload: encodeNvspMessage({ type: NvspMessageType.REVOKE_SEND_BUFFER, id: NVSP_SEND_BUFFER_ID }) }),
      ]).catch(() => undefined);
    }
    for (const buffer of buffers) await buffer.release();
  }

  private async bringUp(context: VscContext, channel: Channel, adapter: NetworkAdapter, buffers: NetvscSharedBuffer[]): Promise<void> {
    const options = this.options;
    const version = await this.negotiate(channel, options.versions ?? NVSP_GUEST_VERSIONS);
    if (version >= NvspVersion.V2) {
      const mtu = options.mtu ?? NETWORK_MAX_MTU;
      await channel.send({ payload: encodeNvspMessage({ type: NvspMessageType.SEND_NDIS_CONFIG, mtu: mtu + ETHERNET_HEADER_SIZE, capabilities: 0n }) });
    }
    const ndis = ndisVersionFor(version);
    await channel.send({ payload: encodeNvspMessage({ type: NvspMessageType.SEND_NDIS_VERSION, ndisMajorVersion: ndis.major, ndisMinorVersion: ndis.minor }) });
    const memory = channel.memory;
    if (!memory) throw new Error('netvsc needs guest memory for its buffers, and the channel has none');
    const receive = await shareBuffer(context, memory, options.receiveBufferSize, NETVSC_DEFAULT_RECEIVE_BUFFER_SIZE, NETVSC_MIN_RECEIVE_BUFFER_SIZE);
    buffers.push(receive);
    channel.registerTransferPageSet(NVSP_RECEIVE_BUFFER_ID, receive.bytes);
    const receiveReply = await request(channel, { type: NvspMessageType.SEND_RECEIVE_BUFFER, gpadlHandle: receive.gpadl, id: NVSP_RECEIVE_BUFFER_ID });
    if (receiveReply.type !== NvspMessageType.SEND_RECEIVE_BUFFER_COMPLETE || receiveReply.status !== NvspStatus.SUCCESS || receiveReply.numSections !== 1) {
      throw new NetvscBringUpError('receive buffer', `the host answered ${describe(receiveReply)}`);
    }
    const { section } = receiveReply;
    if (section.endOffset > receive.bytes.byteLength || section.offset + section.numSubAllocations * section.subAllocationSize > section.endOffset) {
      throw new NetvscBringUpError('receive buffer', `section ${JSON.stringify(section)} does not fit the ${receive.bytes.byteLength}-byte buffer`);
    }
    const send = await shareBuffer(context, memory, options.sendBufferSize, NETVSC_DEFAULT_SEND_BUFFER_SIZE, NETVSC_MIN_SEND_BUFFER_SIZE);
    buffers.push(send);
    const sendReply = await request(channel, { type: NvspMessageType.SEND_SEND_BUFFER, gpadlHandle: send.gpadl, id: NVSP_SEND_BUFFER_ID });
    if (sendReply.type !== NvspMessageType.SEND_SEND_BUFFER_COMPLETE || sendReply.status !== NvspStatus.SUCCESS) {
      throw new NetvscBringUpError('send buffer', `the host answered ${describe(sendReply)}`);
    }
    if (!(sendReply.sectionSize > 0 && sendReply.sectionSize <= send.bytes.byteLength)) {
      throw new NetvscBringUpError('send buffer', `section size ${sendReply.sectionSize} does not fit the ${send.bytes.byteLength}-byte buffer`);
    }
    adapter.useBuffers({ receive: receive.bytes, send: send.bytes, sectionSize: sendReply.sectionSize });

    const init = await adapter.control((requestId) => ({
      type: RndisMessageType.INITIALIZE,
      requestId,
      majorVersion: RNDIS_MAJOR_VERSION,
      minorVersion: RNDIS_MINOR_VERSION,
      maxTransferSize: sendReply.sectionSize,
    }));
    if (init.status !== RndisStatus.SUCCESS) throw new NetvscBringUpError('RNDIS initialize', `status 0x${init.status.toString(16)}`);
    const query = async (oid: number): Promise<Uint8Array> => {
      const reply = await adapter.control((requestId) => ({ type: RndisMessageType.QUERY, requestId, oid, information: NO_INFORMATION, deviceVcHandle: 0 }));
      if (reply.type !== RndisMessageType.QUERY_COMPLETE || reply.status !== RndisStatus.SUCCESS) {
        throw new NetvscBringUpError(`query of OID 0x${oid.toString(16)}`, `status 0x${reply.status.toString(16)}`);
      }
      return reply.information;
    };
    adapter.mac = readMac(readOidMacAddress(await query(RndisOid.CURRENT_ADDRESS_802_3), RndisOid.CURRENT_ADDRESS_802_3), 0);
    adapter.mtu = readOidU32(await query(RndisOid.GEN_MAXIMUM_FRAME_SIZE), RndisOid.GEN_MAXIMUM_FRAME_SIZE);
    const media = readOidU32(await query(RndisOid.GEN_MEDIA_CONNECT_STATUS), RndisOid.GEN_MEDIA_CONNECT_STATUS);
    const filter = options.packetFilter ?? NdisPacketFilter.DIRECTED | NdisPacketFilter.MULTICAST | NdisPacketFilter.BROADCAST;
    const set = await adapter.control((requestId) => ({ type: RndisMessageType.SET, requestId, oid: RndisOid.GEN_CURRENT_PACKET_FILTER, information: oidU32(filter), deviceVcHandle: 0 }));
    if (set.status !== RndisStatus.SUCCESS) throw new NetvscBringUpError('packet filter', `status 0x${set.status.toString(16)}`);
    adapter.setLink(media === NdisMediaState.CONNECTED);

    async function request(target: Channel, message: NvspMessage): Promise<NvspHostMessage> {
      const completion = await firstValueFrom(target.request({ payload: encodeNvspMessage(message) }));
      return readNvspMessage(completion.payload, 'host');
    }
  }

  /** Proposes each version in turn until the host accepts one. */
  private async negotiate(channel: Channel, versions: readonly number[]): Promise<number> {
    for (const version of versions) {
      const completion = await firstValueFrom(channel.request({ payload: encodeNvspMessage({ type: NvspMessageType.INIT, minProtocolVersion: version, maxProtocolVersion: version }) }));
      const reply = readNvspMessage(completion.payload, 'host');
      if (reply.type === NvspMessageType.INIT_COMPLETE && reply.status === NvspStatus.SUCCESS) return version;
    }
    throw new NetvscBringUpError('NVSP version', `the host accepted none of ${versions.map((v) => `0x${v.toString(16)}`).join(', ')}`);
  }
}

function describe(message: NvspHostMessage): string {
  return 'status' in message ? `type ${message.type}, status ${message.status}` : `type ${message.type}`;
}
