import { formatGuid, guid, parseGuid, reserved, struct, u16, u32, u64, type Guid } from '@tsvisor/wire';
import { VhdxFormatError } from './vhdx-format-error.js';
import { VhdxLayout } from './vhdx-layout.js';
import { decodeVhdxParentLocator, encodeVhdxParentLocator, type VhdxParentLocator } from './vhdx-parent-locator.js';

/** The metadata table at the start of the metadata region, MS-VHDX 2.6.1: 64 KiB. */
const TableHeader = struct('VhdxMetadataTableHeader', { signature: u64, reserved: reserved(2), entryCount: u16, reserved2: reserved(20) });
const TableEntry = struct('VhdxMetadataTableEntry', { itemId: guid, offset: u32, length: u32, flags: u32, reserved: reserved(4) });

/** "metadata", little-endian. */
const SIGNATURE = 0x617461646174656dn;
const TABLE_SIZE = 64 * 1024;
const MAX_ENTRIES = 2047;
const MAX_ITEM_LENGTH = VhdxLayout.MiB;
/** Entry flags: bit 0 user, bit 1 virtual disk, bit 2 required. */
const IS_USER = 1;
const IS_VIRTUAL_DISK = 2;
const IS_REQUIRED = 4;
const STRUCTURE = 'metadata';

/** The system metadata items tsvisor knows, by item GUID. */
const ITEMS = {
  fileParameters: 'caa16737-fa36-4d43-b3b6-33f0aa44e76b',
  virtualDiskSize: '2fa54224-cd1b-4876-b211-5dbed83bf4b8',
  page83Data: 'beca12ab-b2e6-4523-93ef-c309e000c746',
  logicalSectorSize: '8141bf1d-a96f-4709-ba47-f233a8faab5f',
  physicalSectorSize: 'cda348c7-445d-4471-9cc9-e9885251c556',
  parentLocator: 'a8d35f2d-b30b-454d-abf7-d3d84834ab0c',
} as const;
type ItemName = keyof typeof ITEMS;
const ITEM_NAMES = new Map<Guid, ItemName>(Object.entries(ITEMS).map(([name, id]) => [id, name as ItemName]));

/** What the metadata region says about the virtual disk. */
export interface VhdxMetadata {
  /** Payload block size: a power of two from 1 MiB to 256 MiB. */
  readonly blockSize: number;
  /** Blocks must stay allocated (fixed images): UNMAP writes zeros instead. */
  readonly leaveBlocksAllocated: boolean;
  /** A differencing image: has a parent locator and sector bitmaps. */
  readonly hasParent: boolean;
  readonly virtualDiskSize: number;
  readonly logicalSectorSize: 512 | 4096;
  readonly physicalSectorSize: 512 | 4096;
  /** The disk's unique identifier (SCSI VPD page 0x83). */
  readonly page83Data: Guid;
  /** Present exactly when {@link VhdxMetadata.hasParent}. */
  readonly parentLocator?: VhdxParentLocator;
}

/** Reads `length` bytes at `offset` of the metadata region; see {@link decodeVhdxMetadata}. */
export type MetadataReader = (offset: number, length: number, field: string) => Promise<Uint8Array>;

function sectorSize(item: Uint8Array, field: string): 512 | 4096 {
  const value = new DataView(item.buffer, item.byteOffset).getUint32(0, true);
  if (value !== 512 && value !== 4096) throw new VhdxFormatError(STRUCTURE, field, `${value} is neither 512 nor 4096`);
  return value;
}

/**
 * Decodes and validates the metadata region of `regionLength` bytes through `read`.
 * @throws {@link VhdxFormatError} on a wrong signature or count, an item outside the region, an
 * unknown required item, a missing or duplicated known item, or a value out of range.
 */
export async function decodeVhdxMetadata(regionLength: number, read: MetadataReader): Promise<VhdxMetadata> {
  const table = await read(0, TABLE_SIZE, 'table');
  const header = TableHeader.decode(table);
  if (header.signature !== SIGNATURE) throw new VhdxFormatError(STRUCTURE, 'signature', 'is not "metadata"');
  if (header.entryCount > MAX_ENTRIES) throw new VhdxFormatError(STRUCTURE, 'entryCount', `${header.entryCount} exceeds ${MAX_ENTRIES}`);
  const items = new Map<ItemName, Uint8Array>();
  for (let i = 0; i < header.entryCount; i++) {
    const entry = TableEntry.decode(table, TableHeader.size + i * TableEntry.size);
    const field = `entries[${i}]`;
    const name = entry.flags & IS_USER ? undefined : ITEM_NAMES.get(entry.itemId);
    if (name === undefined) {
      if (entry.flags & IS_REQUIRED) throw new VhdxFormatError(STRUCTURE, `${field}.flags`, `unknown item ${entry.itemId} is required`);
      continue;
    }
    if (items.has(name)) throw new VhdxFormatError(STRUCTURE, `${field}.itemId`, `${name} appears twice`);
    if (entry.length > MAX_ITEM_LENGTH || entry.offset < TABLE_SIZE || entry.offset + entry.length > regionLength) {
      throw new VhdxFormatError(STRUCTURE, `${field}.offset`, `${entry.length} bytes at ${entry.offset} lie outside the region's items`);
    }
    items.set(name, await read(entry.offset, entry.length, `${name}`));
  }
  const item = (name: ItemName, length: number): Uint8Array => {
    const bytes = items.get(name);
    if (bytes === undefined) throw new VhdxFormatError(STRUCTURE, name, 'is missing');
    if (bytes.length < length) throw new VhdxFormatError(STRUCTURE, name, `is ${bytes.length} bytes, needs ${length}`);
    return bytes;
  };
  const view = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

  const parameters = view(item('fileParameters', 8));
  const blockSize = parameters.getUint32(0, true);
  const { MiB } = VhdxLayout;
  if (blockSize < MiB || blockSize > 256 * MiB || (blockSize & (blockSize - 1)) !== 0) {
    throw new VhdxFormatError(STRUCTURE, 'fileParameters.blockSize', `${blockSize} is not a power of two from 1 MiB to 256 MiB`);
  }
  const flags = parameters.getUint32(4, true);
  const logicalSectorSize = sectorSize(item('logicalSectorSize', 4), 'logicalSectorSize');
  const physicalSectorSize = sectorSize(item('physicalSectorSize', 4), 'physicalSectorSize');
  const size = view(item('virtualDiskSize', 8)).getBigUint64(0, true);
  if (size === 0n || size > BigInt(VhdxLayout.maxVirtualDiskSize) || size % BigInt(logicalSectorSize) !== 0n) {
    throw new VhdxFormatError(STRUCTURE, 'virtualDiskSize', `${size} is not a positive multiple of the sector size up to 64 TiB`);
  }
  const hasParent = (flags & 2) !== 0;
  return {
    blockSize,
    leaveBlocksAllocated: (flags & 1) !== 0,
    hasParent,
    virtualDiskSize: Number(size),
    logicalSectorSize,
    physicalSectorSize,
    page83Data: formatGuid(item('page83Data', 16)),
    ...(hasParent && { parentLocator: decodeVhdxParentLocator(item('parentLocator', 0)) }),
  };
}

/** Encodes the metadata region (table and items) into its first bytes, `length` in all. */
export function encodeVhdxMetadata(metadata: VhdxMetadata, length: number): Uint8Array {
  const region = new Uint8Array(length);
  const view = new DataView(region.buffer);
  const items: [ItemName, Uint8Array, number][] = [];
  const u32Item = (value: number) => {
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setUint32(0, value, true);
    return bytes;
  };
  const parameters = new Uint8Array(8);
  new DataView(parameters.buffer).setUint32(0, metadata.blockSize, true);
  new DataView(parameters.buffer).setUint32(4, (metadata.leaveBlocksAllocated ? 1 : 0) | (metadata.hasParent ? 2 : 0), true);
  const size = new Uint8Array(8);
  new DataView(size.buffer).setBigUint64(0, BigInt(metadata.virtualDiskSize), true);
  items.push(['fileParameters', parameters, IS_REQUIRED]);
  items.push(['virtualDiskSize', size, IS_VIRTUAL_DISK | IS_REQUIRED]);
  items.push(['page83Data', parseGuid(metadata.page83Data), IS_VIRTUAL_DISK | IS_REQUIRED]);
  items.push(['logicalSectorSize', u32Item(metadata.logicalSectorSize), IS_VIRTUAL_DISK | IS_REQUIRED]);
  items.push(['physicalSectorSize', u32Item(metadata.physicalSectorSize), IS_VIRTUAL_DISK | IS_REQUIRED]);
  if (metadata.parentLocator !== undefined) items.push(['parentLocator', encodeVhdxParentLocator(metadata.parentLocator), IS_REQUIRED]);
  TableHeader.write(view, 0, { signature: SIGNATURE, entryCount: items.length });
  let next = TABLE_SIZE;
  items.forEach(([name, bytes, flags], i) => {
    TableEntry.write(view, TableHeader.size + i * TableEntry.size, { itemId: ITEMS[name], offset: next, length: bytes.length, flags });
    region.set(bytes, next);
    next += bytes.length;
  });
  return region;
}
