import { DeviceConfigError } from '@tsvisor/device-sdk';
import { MAX_VLAN_ID, MIN_VLAN_ID } from '../../protocol/ethernet.js';

/**
 * How a port carries 802.1Q VLANs, as Hyper-V's VM network adapter VLAN settings: an `access`
 * port belongs to one VLAN and its frames are untagged both ways; a `trunk` port carries the
 * `allowedVlans` tagged, and optionally a `nativeVlan` untagged.
 */
export type PortVlanConfig =
  | { readonly mode: 'access'; readonly vlanId: number }
  | { readonly mode: 'trunk'; readonly allowedVlans: readonly number[]; readonly nativeVlan?: number };

/** What a port without VLAN settings is: an access port on VLAN 1, the 802.1Q default. */
export const DEFAULT_PORT_VLAN: PortVlanConfig = { mode: 'access', vlanId: 1 };

/** How a port sends a VLAN's frames: not at all, untagged, or tagged. */
export const VlanEgress = {
  NOT_MEMBER: 0,
  UNTAGGED: 1,
  TAGGED: 2,
} as const;

/**
 * A port's VLAN settings compiled for the forwarding path: one lookup per frame and VLAN, no
 * sets or branches on the mode.
 */
export class PortVlanMembership {
  /** A {@link VlanEgress} value per VLAN id. */
  readonly egress = new Uint8Array(MAX_VLAN_ID + 1);
  /** The VLAN of untagged (and priority-tagged) frames arriving on the port; 0 drops them. */
  readonly untaggedVlan: number;
  /** Whether tagged frames (other than priority tags) are accepted at all. */
  readonly acceptsTagged: boolean;

  /** Validates `config`; `field` names it in a {@link DeviceConfigError}. */
  constructor(config: PortVlanConfig, field = 'vlan') {
    if (config.mode === 'access') {
      checkVlanId(config.vlanId, `${field}.vlanId`);
      this.egress[config.vlanId] = VlanEgress.UNTAGGED;
      this.untaggedVlan = config.vlanId;
      this.acceptsTagged = false;
    } else if (config.mode === 'trunk') {
      if (!Array.isArray(config.allowedVlans)) throw new DeviceConfigError(`${field}.allowedVlans`, 'must be a list of VLAN ids');
      config.allowedVlans.forEach((id, i) => {
        checkVlanId(id, `${field}.allowedVlans[${i}]`);
        this.egress[id] = VlanEgress.TAGGED;
      });
      if (config.nativeVlan !== undefined) {
        checkVlanId(config.nativeVlan, `${field}.nativeVlan`);
        this.egress[config.nativeVlan] = VlanEgress.UNTAGGED;
      }
      this.untaggedVlan = config.nativeVlan ?? 0;
      this.acceptsTagged = true;
    } else {
      throw new DeviceConfigError(`${field}.mode`, "must be 'access' or 'trunk'");
    }
  }
}

function checkVlanId(id: number, field: string): void {
  if (!Number.isInteger(id) || id < MIN_VLAN_ID || id > MAX_VLAN_ID) {
    throw new DeviceConfigError(field, `must be a VLAN id from ${MIN_VLAN_ID} to ${MAX_VLAN_ID}, not ${String(id)}`);
  }
}
