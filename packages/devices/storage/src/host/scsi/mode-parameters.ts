import { ModePage, ModePageControl } from '../../protocol/index.js';
import type { VirtualDisk } from '../disk/virtual-disk.js';
import { writeBe16, writeBe32, writeBe64 } from './big-endian.js';

/** The caching mode page (SBC-3 §6.5.5), 20 bytes. */
const CACHING_PAGE_LENGTH = 20;

/** What MODE SENSE(6) or (10) asks for. */
export interface ModeSenseQuery {
  /** MODE SENSE(10) rather than (6): the longer header. */
  readonly ten: boolean;
  /** DBD: no block descriptor. */
  readonly disableBlockDescriptors: boolean;
  /** LLBAA (MODE SENSE(10) only): a long block descriptor. */
  readonly longLba: boolean;
  /** Current, changeable or default values ({@link ModePageControl}; saved ones are refused earlier). */
  readonly pageControl: number;
  readonly page: number;
  readonly subpage: number;
}

/**
 * The mode parameter data for `query` (SPC-4 §7.5): header, block descriptor, then the caching
 * page — the one page a disk has, so also what "all pages" returns. Undefined for a page or
 * subpage the disk does not have. The device-specific byte carries WP for a read-only disk and
 * DPOFUA; the caching page reports the write cache as enabled, since writes are durable only after
 * a flush.
 */
export function modeParameters(disk: VirtualDisk, query: ModeSenseQuery): Uint8Array | undefined {
  const all = query.page === ModePage.ALL && (query.subpage === 0 || query.subpage === 0xff);
  if (!all && !(query.page === ModePage.CACHING && query.subpage === 0)) return undefined;

  const headerLength = query.ten ? 8 : 4;
  const longLba = query.ten && query.longLba;
  const descriptorLength = query.disableBlockDescriptors ? 0 : longLba ? 16 : 8;
  const data = new Uint8Array(headerLength + descriptorLength + CACHING_PAGE_LENGTH);
  const deviceSpecific = (disk.readOnly ? 0x80 : 0) | 0x10;
  const blocks = disk.sizeBytes / disk.sectorSize;
  if (query.ten) {
    writeBe16(data, 0, data.length - 2);
    data[3] = deviceSpecific;
    data[4] = longLba ? 1 : 0;
    writeBe16(data, 6, descriptorLength);
  } else {
    data[0] = data.length - 1;
    data[2] = deviceSpecific;
    data[3] = descriptorLength;
  }
  if (descriptorLength === 16) {
    writeBe64(data, headerLength, blocks);
    writeBe32(data, headerLength + 12, disk.sectorSize);
  } else if (descriptorLength === 8) {
    writeBe32(data, headerLength, Math.min(blocks, 0xffff_ffff));
    writeBe32(data, headerLength + 4, disk.sectorSize); // byte 4 is reserved: the length is 24 bits
  }
  const page = headerLength + descriptorLength;
  data[page] = ModePage.CACHING;
  data[page + 1] = CACHING_PAGE_LENGTH - 2;
  // Changeable values: none (no MODE SELECT); current and default: WCE set.
  if (query.pageControl !== ModePageControl.CHANGEABLE) data[page + 2] = 0x04;
  return data;
}
