import { connectDevice, type DeviceTestBed } from '@tsvisor/device-sdk/testing';
import { ETHERNET_HEADER_SIZE } from '../protocol/ethernet.js';
import { writeMac, type MacAddress } from '../protocol/mac-address.js';
import type { NetworkAdapter } from '../guest/netvsc/network-adapter.js';
import { NetvscDriver, type NetvscDriverOptions } from '../guest/netvsc/netvsc-driver.js';
import { NetworkVsp, type NetworkVspOptions } from '../host/netvsp/network-vsp.js';
import type { SwitchDirectory } from '../host/switch-directory/switch-directory.js';
import { networkSyntheticClass, type NetworkAdapterConfig } from '../network-class.js';
import type { VspContext, VspFactory } from '@tsvisor/device-sdk/host';

/** Guest pages each test NIC may borrow: its buffers, with room to spare. */
export const NIC_DRIVER_PAGES = 1024;

/** A NIC on a test bed: its VSP, its guest adapter and the bed. */
export interface TestNic {
  readonly bed: DeviceTestBed<NetworkAdapter>;
  readonly vsp: NetworkVsp;
  readonly adapter: NetworkAdapter;
}

/** Connects a netvsp and a netvsc over real rings, the VSP's port on `directory`'s switch `config.switch`. */
export async function connectNic(
  directory: SwitchDirectory,
  config: Partial<Record<keyof NetworkAdapterConfig, unknown>> & { switch: string },
  options: { vsp?: NetworkVspOptions; driver?: NetvscDriverOptions; vmName?: string; instanceId?: string; driverPages?: number } = {},
): Promise<TestNic> {
  const factory: VspFactory<NetworkAdapterConfig> = {
    deviceClass: networkSyntheticClass,
    create: (context: VspContext<NetworkAdapterConfig>) => new NetworkVsp(context, directory, options.vsp),
  };
  const bed = await connectDevice({
    factory,
    driver: new NetvscDriver(options.driver),
    config,
    driverPages: options.driverPages ?? NIC_DRIVER_PAGES,
    ...(options.vmName ? { vmName: options.vmName } : {}),
    ...(options.instanceId ? { instanceId: options.instanceId } : {}),
  });
  return { bed, vsp: bed.vsp as NetworkVsp, adapter: bed.device };
}

/** An Ethernet frame of `length` bytes from `source` to `destination`, EtherType 0x88B5 (local experimental), payload byte `fill`. */
export function testFrame(destination: MacAddress, source: MacAddress, length = 60, fill = 0): Uint8Array {
  if (length < ETHERNET_HEADER_SIZE) throw new RangeError(`a frame has at least ${ETHERNET_HEADER_SIZE} bytes`);
  const frame = new Uint8Array(length).fill(fill);
  writeMac(frame, 0, destination);
  writeMac(frame, 6, source);
  frame[12] = 0x88;
  frame[13] = 0xb5;
  return frame;
}

/** Collects the frames an adapter receives (copies). */
export function collectFrames(adapter: NetworkAdapter): Uint8Array[] {
  const frames: Uint8Array[] = [];
  adapter.onFrame((frame) => frames.push(frame.slice()));
  return frames;
}
