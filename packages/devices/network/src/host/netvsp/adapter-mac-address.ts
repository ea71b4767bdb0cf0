import { crc32c, encodeUtf8 } from '@tsvisor/wire';
import { macAddress, type MacAddress } from '../../protocol/mac-address.js';

/** Hyper-V's organizationally unique identifier, 00-15-5D: the first half of its dynamic MACs. */
export const HYPER_V_OUI = 0x00_15_5d;

/**
 * The MAC address of an adapter: the configured one, or one in {@link HYPER_V_OUI} derived from
 * the VM's name and the device's instance id, so that it stays the same across restarts.
 */
export function adapterMacAddress(configured: string | undefined, vmName: string, instanceId: string): MacAddress {
  if (configured !== undefined) return macAddress(configured);
  const hash = crc32c(encodeUtf8(`${vmName}\u0000${instanceId.toLowerCase()}`));
  return (HYPER_V_OUI * 2 ** 24 + (hash & 0xff_ffff)) as MacAddress;
}
