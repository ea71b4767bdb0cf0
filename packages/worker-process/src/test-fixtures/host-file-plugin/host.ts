import type { Channel, IncomingPacket } from '@tsvisor/device-sdk';
import { ManagementProviderContribution, SimpleVsp, VspFactoryContribution, type ManagementProvider, type VspContext, type VspFactory } from '@tsvisor/device-sdk/host';
import { schema } from '@tsvisor/device-sdk';
import { ContainerModule } from 'inversify';
import { readFileSync } from 'node:fs';
import { of } from 'rxjs';
import { READ_DENIED, READ_FAILED, READ_OK, hostFileClass, type HostFileConfig } from './host-file-class.js';

/** Reads the file a guest names (`[length u32][path]`) and answers `[status u32][length u32][text]`. */
export class HostFileVsp extends SimpleVsp<HostFileConfig> {
  reads = 0;
  /** Whom the host process granted this device to (`grantHostAccess`), or `none` in the host process. */
  readonly grantedTo = this.context.hostGrant?.['vm'] ?? 'none';

  protected async run(channel: Channel, signal: AbortSignal): Promise<void> {
    const subscription = channel.packets$.subscribe((packet) => this.serve(channel, packet));
    await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    subscription.unsubscribe();
  }

  private serve(channel: Channel, packet: IncomingPacket): void {
    this.reads++;
    const payload = packet.payload();
    const length = payload.length >= 4 ? new DataView(payload.buffer, payload.byteOffset, payload.byteLength).getUint32(0, true) : 0;
    const path = new TextDecoder().decode(payload.subarray(4, 4 + length));
    let status = READ_OK;
    let text: string;
    try {
      text = readFileSync(path, 'utf8').slice(0, 1024);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unknown';
      status = code === 'ERR_ACCESS_DENIED' ? READ_DENIED : READ_FAILED;
      text = code;
    }
    const body = new TextEncoder().encode(text);
    const answer = new Uint8Array(8 + body.length);
    new DataView(answer.buffer).setUint32(0, status, true);
    new DataView(answer.buffer).setUint32(4, body.length, true);
    answer.set(body, 8);
    channel.complete(packet, answer);
  }

  counters(): Readonly<Record<string, number>> {
    return { reads: this.reads };
  }
}

/** The host-file factory; `revocations` lists the VMs whose grants were revoked, in order. */
const factory: VspFactory<HostFileConfig> & { readonly revocations: string[] } = {
  deviceClass: hostFileClass,
  create: (context: VspContext<HostFileConfig>) => new HostFileVsp(context),
  fileAccess: (config) => ({ read: config.readable }),
  revocations: [],
  grantHostAccess: ({ vmName }) => Promise.resolve({ grant: { vm: vmName }, revoke: () => void factory.revocations.push(vmName) }),
};

const provider: ManagementProvider<HostFileVsp> = {
  classId: hostFileClass.id,
  manage: (vsp) => ({
    heartbeat$: of('ok' as const),
    operations: {
      reads: {
        description: 'How many files the guest asked for',
        input: schema.object({ plus: schema.integer({ min: 0, max: 10, default: 0 }) }),
        invoke: async (input: { plus: number }) => ({ reads: vsp.reads + input.plus }),
      },
      grant: {
        description: 'Whom the host process granted the device to',
        input: schema.object({}),
        invoke: async () => ({ grantedTo: vsp.grantedTo }),
      },
    },
  }),
};

/**
 * A second test class standing for a worker process taken over by its guest: its VSP, once
 * started, writes a malformed report straight into the worker's control channel.
 */
const rogueClass = { ...hostFileClass, id: 'test.rogue-worker', interfaceType: '6f1d2c3b-4a59-4e87-9d0c-7b3a2e1f0a12', displayName: 'Rogue worker (test)' };

const rogueFactory: VspFactory<HostFileConfig> = {
  deviceClass: rogueClass,
  create: () => ({
    start: () => {
      setTimeout(() => process.send?.({ kind: 'console', text: { not: 'text' } }), 50);
    },
    stop: async () => undefined,
  }),
};

export default new ContainerModule(({ bind }) => {
  bind(VspFactoryContribution).toConstantValue(factory as VspFactory);
  bind(VspFactoryContribution).toConstantValue(rogueFactory as VspFactory);
  bind(ManagementProviderContribution).toConstantValue(provider as ManagementProvider);
});
