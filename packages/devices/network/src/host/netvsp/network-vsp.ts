import type { Channel } from '@tsvisor/device-sdk';
import { SimpleVsp, type VspContext } from '@tsvisor/device-sdk/host';
import type { NetworkAdapterConfig } from '../../network-class.js';
import { formatMac, type MacAddress } from '../../protocol/mac-address.js';
import type { FrameReceiver } from '../switch/frame-receiver.js';
import type { PortVlanConfig } from '../switch/port-vlan-config.js';
import type { SwitchPortCounters } from '../switch/switch-port-counters.js';
import type { SwitchDirectory, SwitchPortHandle } from '../switch-directory/switch-directory.js';
import { adapterMacAddress } from './adapter-mac-address.js';
import { adapterPortOptions } from './adapter-port-options.js';
import { NETVSP_VERSIONS, NetvspChannel, type NetvspAdapter } from './netvsp-channel.js';
import { emptyNetvspCounters, type NetvspCounters } from './netvsp-counters.js';

/** Options of a {@link NetworkVsp} beyond its configuration. */
export interface NetworkVspOptions {
  /** NVSP versions the host accepts (default all); tests narrow it to see a guest fall back. */
  readonly versions?: readonly number[];
}

/** An adapter's settings as management shows them. */
export interface NetworkAdapterSettings {
  readonly switch: string;
  readonly macAddress: string;
  readonly vlan: PortVlanConfig | undefined;
  readonly macAddressSpoofing: boolean;
  /** The configured MTU. */
  readonly mtu: number;
}

/**
 * The host side of a synthetic network adapter (netvsp): a port on a virtual switch, found by
 * name through the host's {@link SwitchDirectory}, and the guest's NIC on the other side of a
 * VMBus channel. Frames from the guest go into the port; frames from the switch are written into
 * the guest's receive buffer. The link can be set down and up again (a cable pulled).
 */
export class NetworkVsp extends SimpleVsp<NetworkAdapterConfig> implements NetvspAdapter, FrameReceiver {
  readonly mac: MacAddress;
  readonly mtu: number;
  readonly versions: readonly number[];
  readonly maxReceiveBufferSize: number;
  readonly maxSendBufferSize: number;
  readonly counts: NetvspCounters = emptyNetvspCounters();
  private port: SwitchPortHandle | undefined;
  private active: NetvspChannel | undefined;
  private link = true;

  constructor(
    context: VspContext<NetworkAdapterConfig>,
    private readonly directory: SwitchDirectory,
    options: NetworkVspOptions = {},
  ) {
    super(context);
    const { config } = context;
    this.mac = adapterMacAddress(config.macAddress, context.vmName, context.instanceId);
    this.mtu = config.mtu;
    this.versions = options.versions ?? NETVSP_VERSIONS;
    this.maxReceiveBufferSize = config.maxReceiveBufferSize;
    this.maxSendBufferSize = config.maxSendBufferSize;
  }

  /** Attaches to the switch (an unknown switch fails the start, naming it), then offers the channel. */
  override async start(): Promise<void> {
    const { config, vmName, instanceId } = this.context;
    this.port = await this.directory.attach(config.switch, { ...adapterPortOptions(config, vmName, instanceId), receiver: this });
    super.start();
  }

  /** The adapter's settings. */
  get settings(): NetworkAdapterSettings {
    const { config } = this.context;
    return { switch: config.switch, macAddress: formatMac(this.mac), vlan: config.vlan, macAddressSpoofing: config.macAddressSpoofing, mtu: config.mtu };
  }

  /** Whether the link is up (management may pull the cable). */
  get linkUp(): boolean {
    return this.link;
  }

  /** Whether a guest driver has the adapter running: buffers shared, RNDIS initialized, a filter set. */
  get guestReady(): boolean {
    return this.active?.ready ?? false;
  }

  /** The NVSP version agreed with the guest; 0 without a channel or before INIT. */
  get nvspVersion(): number {
    return this.active?.version ?? 0;
  }

  /** Sets the link up or down; the guest is told with an RNDIS status indication. */
  setLinkUp(up: boolean): void {
    if (this.link === up) return;
    this.link = up;
    this.active?.indicateLink(up);
  }

  /** The switch port's own counters (spoofed sources, VLAN and queue drops…), once attached. */
  get portCounters(): Readonly<SwitchPortCounters> | undefined {
    return this.port?.counters;
  }

  /** The {@link NetvspCounters} (monotonic), and two gauges: `linkUp` (1 or 0) and `freeReceiveSlots`. */
  counters(): Readonly<Record<string, number>> {
    return { ...this.counts, linkUp: this.link ? 1 : 0, freeReceiveSlots: this.active?.freeReceiveSlots ?? 0 };
  }

  /** @internal {@link FrameReceiver}: a frame from the switch. */
  receiveFrame(frame: Uint8Array, offset: number, length: number): boolean {
    const active = this.active;
    if (active === undefined) {
      this.counts.receiveDroppedNotReady++;
      return false;
    }
    return active.receiveFrame(frame, offset, length);
  }

  /** @internal {@link NetvspAdapter}: a frame from the guest. */
  sendFrame(frame: Uint8Array, offset: number, length: number): boolean {
    return this.port?.send(frame, offset, length) ?? false;
  }

  /** @internal {@link NetvspAdapter}: without a port every frame is refused anyway: no reason to wait. */
  hasSendRoom(frames: number, bytes: number): boolean {
    return this.port?.hasRoomFor(frames, bytes) ?? true;
  }

  /** @internal {@link NetvspAdapter} */
  whenSendRoom(listener: () => void): void {
    if (this.port) this.port.whenRoom(listener);
    else listener();
  }

  protected async run(channel: Channel, signal: AbortSignal): Promise<void> {
    const engine = new NetvspChannel(channel, this);
    this.active = engine;
    try {
      await new Promise<void>((resolve) => {
        if (signal.aborted) resolve();
        else signal.addEventListener('abort', () => resolve(), { once: true });
      });
    } finally {
      engine.dispose();
      if (this.active === engine) this.active = undefined;
    }
  }

  protected override async onStop(): Promise<void> {
    await super.onStop();
    this.port?.detach();
    this.port = undefined;
  }
}
