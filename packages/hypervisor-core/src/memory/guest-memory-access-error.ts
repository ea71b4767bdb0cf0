/** An access to guest memory fell outside the partition's memory (or was malformed). */
export class GuestMemoryAccessError extends Error {
  override readonly name = 'GuestMemoryAccessError';

  constructor(
    /** The guest physical address asked for. */
    readonly gpa: number,
    /** The length asked for, in bytes. */
    readonly length: number,
    /** The size of the partition's memory, in bytes. */
    readonly memorySize: number,
  ) {
    super(`guest memory access [${describe(gpa)}, +${describe(length)}) is outside the partition's ${memorySize} bytes`);
  }
}

function describe(value: number): string {
  return Number.isSafeInteger(value) && value >= 0 ? `0x${value.toString(16)}` : String(value);
}
