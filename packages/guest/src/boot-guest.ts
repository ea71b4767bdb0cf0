import 'reflect-metadata';
import { VscDriverContribution, type VscDriver } from '@tsvisor/device-sdk/guest';
import type { VpEnvironment } from '@tsvisor/vmbus';
import { Container, type ContainerModule } from 'inversify';
import { GuestKernel } from './guest-kernel.js';
import type { GuestProgram } from './machine.js';

/** What {@link bootGuest} boots. */
export interface GuestBoot {
  /** The program (a guest program module's default export). */
  readonly program: GuestProgram;
  /** The plugins' guest modules, in load order: later ones may rebind what earlier ones bound. */
  readonly modules?: readonly ContainerModule[];
  /** Drivers given directly, besides those the modules contribute. */
  readonly drivers?: readonly VscDriver[];
  readonly arena?: { readonly firstPfn: number; readonly pageCount: number };
}

/**
 * The entry of a guest image: loads the plugins' guest modules into a container, boots the
 * {@link GuestKernel} with the VSC drivers they contribute, runs the program on VP 0 and resolves
 * with its exit code. Other VPs idle.
 *
 * ```ts
 * // the guest image's entry module
 * import { bootGuest } from '@tsvisor/guest';
 * import integration from '@tsvisor/integration/guest';
 * import program from './my-program.js';
 * export default (vp) => bootGuest(vp, { program, modules: [integration] });
 * ```
 */
export async function bootGuest(vp: VpEnvironment, boot: GuestBoot): Promise<number> {
  if (vp.vpIndex !== 0) return new Promise<number>(() => undefined);
  const container = new Container();
  for (const module of boot.modules ?? []) container.load(module);
  const contributed = container.isBound(VscDriverContribution) ? container.getAll(VscDriverContribution) : [];
  const kernel = new GuestKernel(vp, {
    drivers: [...contributed, ...(boot.drivers ?? [])],
    ...(boot.arena ? { arena: boot.arena } : {}),
  });
  await kernel.start();
  const code = await boot.program(kernel.machine);
  // Answers the program gave on its way out (an accepted shutdown) must reach the host.
  await Promise.resolve();
  kernel.vmbus.flush();
  return typeof code === 'number' ? code : 0;
}
