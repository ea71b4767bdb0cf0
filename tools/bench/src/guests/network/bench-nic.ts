import type { Machine } from '@tsvisor/guest';
import type { NetworkAdapter } from '@tsvisor/network/guest';
import { filter, firstValueFrom } from 'rxjs';

/** The guest's synthetic NIC once its link is up, or undefined (said on the console) when it has none. */
export async function benchNic(machine: Machine, role: string): Promise<NetworkAdapter | undefined> {
  const adapter = machine.devices.first<NetworkAdapter>('network.synthetic');
  if (!adapter) {
    machine.console.log(`${role}: no network adapter`);
    return undefined;
  }
  await firstValueFrom(adapter.link$.pipe(filter((up) => up)));
  return adapter;
}
