import type { SwitchPortOptions } from '../switch/switch-port-options.js';

/** What a VM's worker process needs to reach its port: the host's socket and the grant's token. */
export interface SwitchPortEndpoint {
  /** The host process's Unix socket for switch port links. */
  readonly socketPath: string;
  /** The secret naming one grant (hex). */
  readonly token: string;
}

/**
 * A port the host process granted one adapter of one VM: the switch, and the port's settings as
 * the host checked them (the worker only presents the token: it cannot choose another switch,
 * MAC address or VLAN).
 */
export interface SwitchPortGrant {
  readonly switchName: string;
  readonly options: Omit<SwitchPortOptions, 'receiver'>;
}

/** Reads a {@link SwitchPortEndpoint} out of a device's host grant; undefined if it holds none. */
export function switchPortEndpoint(grant: Readonly<Record<string, string>> | undefined): SwitchPortEndpoint | undefined {
  const socketPath = grant?.['socketPath'];
  const token = grant?.['token'];
  return typeof socketPath === 'string' && typeof token === 'string' ? { socketPath, token } : undefined;
}
