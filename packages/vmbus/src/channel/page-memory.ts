/**
 * The guest memory a channel may map for GPA-direct data: the partition's SharedArrayBuffer
 * (GPA 0 at byte 0) and which PFNs are ordinary RAM. `GuestMemory` of hypervisor-core is one.
 */
export interface PageMemory {
  readonly buffer: SharedArrayBuffer;
  isDevicePfn(pfn: number): boolean;
}
