import { pattern } from './bytes.js';

/** The crash test's disk: 64 MiB in 1 MiB blocks, cut into 8 KiB slots that each take one write. */
export const CRASH_DISK_SIZE = 64 * 1024 * 1024;
export const CRASH_BLOCK_SIZE = 1024 * 1024;
const SLOT = 8192;
const SLOTS = CRASH_DISK_SIZE / SLOT;

/**
 * Write number `index` of the crash test: 512 bytes to a whole slot, at a slot spread over the
 * disk by an odd multiplier (so no two writes of the test overlap, and most allocate a block).
 */
export function crashWrite(index: number): { readonly offset: number; readonly data: Uint8Array } {
  const slot = (index * 2999) % SLOTS;
  return { offset: slot * SLOT, data: pattern(512 * (1 + (index % 16)), index) };
}
