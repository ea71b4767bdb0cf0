import { crc32c, guid, struct, u32, u64 } from '@tsvisor/wire';
import { VhdxFormatError } from './vhdx-format-error.js';
import { VhdxLayout } from './vhdx-layout.js';
import type { Guid } from '@tsvisor/wire';

/** The region table header, MS-VHDX 2.2.3; two copies at 192 KiB and 256 KiB, 64 KiB each. */
const RegionTableHeader = struct('VhdxRegionTableHeader', { signature: u32, checksum: u32, entryCount: u32, reserved: u32 });
const RegionTableEntry = struct('VhdxRegionTableEntry', { guid, fileOffset: u64, length: u32, required: u32 });

/** "regi", little-endian. */
const SIGNATURE = 0x69676572;
const MAX_ENTRIES = 2047;

/** The block allocation table region. */
export const BAT_REGION: Guid = '2dc27766-f623-4200-9d64-115e9bfd4a08';
/** The metadata region. */
export const METADATA_REGION: Guid = '8b7ca206-4790-4b9a-b8fe-575f050f886e';

/** A region of the file: 1 MiB-aligned, a whole number of MiB long. */
export interface VhdxRegion {
  readonly fileOffset: number;
  readonly length: number;
}

/** The two regions every VHDX has. */
export interface VhdxRegions {
  readonly bat: VhdxRegion;
  readonly metadata: VhdxRegion;
}

/**
 * Decodes and validates region table copy `copy` (1 or 2).
 * @throws {@link VhdxFormatError} on a wrong signature, checksum or count, a misplaced region, an
 * unknown region marked required, or a missing BAT or metadata region.
 */
export function decodeVhdxRegionTable(bytes: Uint8Array, copy: number, fileSize: number): VhdxRegions {
  const structure = `region table ${copy}`;
  const header = RegionTableHeader.decode(bytes);
  if (header.signature !== SIGNATURE) throw new VhdxFormatError(structure, 'signature', 'is not "regi"');
  const zeroed = new Uint8Array(bytes.subarray(0, VhdxLayout.regionTableSize));
  new DataView(zeroed.buffer).setUint32(RegionTableHeader.offsetOf('checksum'), 0, true);
  if (crc32c(zeroed) !== header.checksum) throw new VhdxFormatError(structure, 'checksum', 'does not match the CRC-32C of the table');
  if (header.entryCount > MAX_ENTRIES) throw new VhdxFormatError(structure, 'entryCount', `${header.entryCount} exceeds ${MAX_ENTRIES}`);
  const found = new Map<Guid, VhdxRegion>();
  for (let i = 0; i < header.entryCount; i++) {
    const field = `entries[${i}]`;
    const entry = RegionTableEntry.decode(bytes, RegionTableHeader.size + i * RegionTableEntry.size);
    if (entry.guid !== BAT_REGION && entry.guid !== METADATA_REGION) {
      if (entry.required & 1) throw new VhdxFormatError(structure, `${field}.required`, `unknown region ${entry.guid} is required`);
      continue;
    }
    if (found.has(entry.guid)) throw new VhdxFormatError(structure, `${field}.guid`, `region ${entry.guid} appears twice`);
    const fileOffset = Number(entry.fileOffset);
    const { MiB } = VhdxLayout;
    if (fileOffset < VhdxLayout.headerSectionSize || fileOffset % MiB !== 0) {
      throw new VhdxFormatError(structure, `${field}.fileOffset`, `${entry.fileOffset} is not 1 MiB-aligned after the header section`);
    }
    if (entry.length === 0 || entry.length % MiB !== 0 || fileOffset + entry.length > fileSize) {
      throw new VhdxFormatError(structure, `${field}.length`, `${entry.length} is not a whole number of MiB inside the file`);
    }
    found.set(entry.guid, { fileOffset, length: entry.length });
  }
  const bat = found.get(BAT_REGION);
  const metadata = found.get(METADATA_REGION);
  if (bat === undefined) throw new VhdxFormatError(structure, 'entries', 'has no BAT region');
  if (metadata === undefined) throw new VhdxFormatError(structure, 'entries', 'has no metadata region');
  if (overlap(bat, metadata)) throw new VhdxFormatError(structure, 'entries', 'the BAT and metadata regions overlap');
  return { bat, metadata };
}

/** Whether two byte ranges of the file overlap. */
export function overlap(a: VhdxRegion, b: VhdxRegion): boolean {
  return a.fileOffset < b.fileOffset + b.length && b.fileOffset < a.fileOffset + a.length;
}

/** Encodes a region table naming the BAT and metadata regions, both required. */
export function encodeVhdxRegionTable(regions: VhdxRegions): Uint8Array {
  const bytes = new Uint8Array(VhdxLayout.regionTableSize);
  const view = new DataView(bytes.buffer);
  RegionTableHeader.write(view, 0, { signature: SIGNATURE, checksum: 0, entryCount: 2, reserved: 0 });
  const entries = [
    { guid: BAT_REGION, region: regions.bat },
    { guid: METADATA_REGION, region: regions.metadata },
  ];
  entries.forEach(({ guid: id, region }, i) => {
    RegionTableEntry.write(view, RegionTableHeader.size + i * RegionTableEntry.size, {
      guid: id,
      fileOffset: BigInt(region.fileOffset),
      length: region.length,
      required: 1,
    });
  });
  view.setUint32(RegionTableHeader.offsetOf('checksum'), crc32c(bytes), true);
  return bytes;
}
