/**
 * Where the fixed structures of a VHDX file lie (MS-VHDX; PROTOCOLS.md §7): the 1 MiB header
 * section holds the file identifier, two headers and two region tables; every region and payload
 * block beyond it is 1 MiB-aligned.
 */
export const VhdxLayout = {
  /** One mebibyte: the alignment of regions, the log and payload blocks. */
  MiB: 1024 * 1024,
  /** Size of the header section at the start of the file. */
  headerSectionSize: 1024 * 1024,
  /** Offsets of the two header copies, and the size of each. */
  headerOffsets: [64 * 1024, 128 * 1024] as const,
  headerSize: 4096,
  /** Offsets of the two region table copies, and the size of each. */
  regionTableOffsets: [192 * 1024, 256 * 1024] as const,
  regionTableSize: 64 * 1024,
  /** The unit of the log: entries, descriptors' targets and data sectors are 4 KiB. */
  logSectorSize: 4096,
  /** Largest virtual disk MS-VHDX allows: 64 TiB. */
  maxVirtualDiskSize: 64 * 1024 ** 4,
} as const;

/** Rounds `value` up to a multiple of `unit`. */
export function alignUp(value: number, unit: number): number {
  return Math.ceil(value / unit) * unit;
}
