/**
 * `@tsvisor/guest`: the guest kernel that runs in a partition's VP (DESIGN §5): VMBus bring-up,
 * VSC drivers bound by interface GUID as offers arrive, the device registry, the console, and the
 * guest program API.
 * @packageDocumentation
 */
export { bootGuest, type GuestBoot } from './boot-guest.js';
export { GuestKernel, type GuestKernelOptions } from './guest-kernel.js';
export { DeviceRegistry, type DeviceChange, type GuestDevice } from './device-registry.js';
export { GuestConsole } from './guest-console.js';
export { GuestClock } from './guest-clock.js';
export type { Machine, GuestProgram } from './machine.js';
