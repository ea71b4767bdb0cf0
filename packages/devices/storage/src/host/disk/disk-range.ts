import type { VirtualDisk } from './virtual-disk.js';

/**
 * Checks that `length` bytes at `offset` are whole sectors inside `disk`; throws a `RangeError`
 * naming the problem otherwise. Every backend calls it (or {@link diskRangeProblem}) before touching its file.
 */
export function checkDiskRange(disk: Pick<VirtualDisk, 'sizeBytes' | 'sectorSize'>, offset: number, length: number): void {
  const problem = diskRangeProblem(disk, offset, length);
  if (problem !== undefined) throw problem;
}

/** What {@link checkDiskRange} would throw for the range, or undefined when it is whole sectors inside `disk`. */
export function diskRangeProblem(disk: Pick<VirtualDisk, 'sizeBytes' | 'sectorSize'>, offset: number, length: number): RangeError | undefined {
  if (!Number.isSafeInteger(offset) || offset < 0 || offset % disk.sectorSize !== 0) {
    return new RangeError(`disk offset ${offset} is not a multiple of the ${disk.sectorSize}-byte sector`);
  }
  if (!Number.isSafeInteger(length) || length < 0 || length % disk.sectorSize !== 0) {
    return new RangeError(`disk transfer of ${length} bytes is not whole ${disk.sectorSize}-byte sectors`);
  }
  if (offset + length > disk.sizeBytes) {
    return new RangeError(`disk range ${offset}+${length} ends beyond the disk's ${disk.sizeBytes} bytes`);
  }
  return undefined;
}
