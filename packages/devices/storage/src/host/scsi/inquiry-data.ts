import { formatGuid, isGuid, parseGuid } from '@tsvisor/wire';
import { VpdPage } from '../../protocol/index.js';
import type { VirtualDisk } from '../disk/virtual-disk.js';
import { writeBe16, writeBe32, writeBe64 } from './big-endian.js';

/** T10 vendor identification of the disks, as Hyper-V's: 8 ASCII characters. */
const VENDOR = 'Msft    ';
/** Product identification: 16 ASCII characters. */
const PRODUCT = 'Virtual Disk    ';
/** Product revision level: 4 ASCII characters. */
const REVISION = '1.0 ';

/** Most blocks one UNMAP descriptor or command may deallocate: bounds the work of one command. */
export const MAX_UNMAP_BLOCKS = 0x40_0000;
/** Most descriptors in one UNMAP parameter list. */
export const MAX_UNMAP_DESCRIPTORS = 256;
/** Most blocks one WRITE SAME may write: bounds the work of one command. */
export const MAX_WRITE_SAME_BLOCKS = 0x1_0000;

/** What a target tells the guest about its logical unit. */
export interface InquiryIdentity {
  /** A GUID naming the disk (a VHDX's page 83 data, or one from the VM's configuration). */
  readonly identifier: string;
  /** Whether UNMAP and WRITE SAME with UNMAP are served (thin provisioning). */
  readonly unmap: boolean;
}

function ascii(target: Uint8Array, at: number, text: string): void {
  for (let index = 0; index < text.length; index++) target[at + index] = text.charCodeAt(index);
}

/**
 * The INQUIRY data of one logical unit (SPC-4 §6.6, SBC-3 §6.6), built once: the standard data and
 * the vital product data pages 0x00, 0x80, 0x83, 0xB0, 0xB1 and 0xB2.
 */
export class InquiryData {
  /** Standard INQUIRY data (36 bytes). */
  readonly standard: Uint8Array;
  private readonly pages = new Map<number, Uint8Array>();

  /** @throws RangeError - if `identity.identifier` is not a GUID. */
  constructor(disk: VirtualDisk, identity: InquiryIdentity) {
    if (!isGuid(identity.identifier)) throw new RangeError(`identifier must be a GUID, got ${JSON.stringify(identity.identifier)}`);
    const id = parseGuid(identity.identifier);
    const serial = formatGuid(id).replaceAll('-', '');

    this.standard = new Uint8Array(36);
    this.standard[2] = 0x06; // SPC-4
    this.standard[3] = 0x02; // response data format 2
    this.standard[4] = this.standard.length - 5;
    this.standard[7] = 0x02; // CMDQUE: tagged command queuing
    ascii(this.standard, 8, VENDOR);
    ascii(this.standard, 16, PRODUCT);
    ascii(this.standard, 32, REVISION);

    const supported = [
      VpdPage.SUPPORTED_PAGES,
      VpdPage.UNIT_SERIAL_NUMBER,
      VpdPage.DEVICE_IDENTIFICATION,
      VpdPage.BLOCK_LIMITS,
      VpdPage.BLOCK_DEVICE_CHARACTERISTICS,
      VpdPage.LOGICAL_BLOCK_PROVISIONING,
    ];
    this.page(VpdPage.SUPPORTED_PAGES, supported.length).set(supported, 4);
    ascii(this.page(VpdPage.UNIT_SERIAL_NUMBER, serial.length), 4, serial);
    this.deviceIdentification(id, serial);
    this.blockLimits(disk, identity.unmap);
    writeBe16(this.page(VpdPage.BLOCK_DEVICE_CHARACTERISTICS, 0x3c), 4, 1); // non-rotating medium
    const provisioning = this.page(VpdPage.LOGICAL_BLOCK_PROVISIONING, 4);
    if (identity.unmap) {
      provisioning[5] = 0x80 | 0x40 | 0x04; // LBPU, LBPWS, LBPRZ: unmapped blocks read as zeros
      provisioning[6] = 0x02; // thin provisioned
    }
  }

  /** The vital product data page `code`, or undefined if the unit has none such. */
  vpd(code: number): Uint8Array | undefined {
    return this.pages.get(code);
  }

  /** A new page `code` with `length` bytes after its 4-byte header. */
  private page(code: number, length: number): Uint8Array {
    const page = new Uint8Array(4 + length);
    page[1] = code;
    writeBe16(page, 2, length);
    this.pages.set(code, page);
    return page;
  }

  /**
   * Page 0x83: a T10 vendor ID designator (vendor, then the serial number) and an NAA locally
   * assigned one (NAA 3: the 16 id bytes folded to 60 bits), both of the logical unit.
   */
  private deviceIdentification(id: Uint8Array, serial: string): void {
    const t10Length = VENDOR.length + serial.length;
    const page = this.page(VpdPage.DEVICE_IDENTIFICATION, 4 + t10Length + 4 + 8);
    page.set([0x02, 0x01, 0x00, t10Length], 4); // ASCII code set; designator type 1 (T10 vendor ID)
    ascii(page, 8, VENDOR);
    ascii(page, 8 + VENDOR.length, serial);
    const naa = 8 + t10Length;
    page.set([0x01, 0x03, 0x00, 8], naa); // binary code set; designator type 3 (NAA)
    for (let index = 0; index < 8; index++) page[naa + 4 + index] = id[index]! ^ id[index + 8]!;
    page[naa + 4] = 0x30 | (page[naa + 4]! & 0x0f);
  }

  /** Page 0xB0 (SBC-3 §6.6.4). */
  private blockLimits(disk: VirtualDisk, unmap: boolean): void {
    const page = this.page(VpdPage.BLOCK_LIMITS, 0x3c);
    page[4] = 0x01; // WSNZ: WRITE SAME of zero blocks is refused
    writeBe16(page, 6, disk.physicalSectorSize / disk.sectorSize); // optimal transfer granularity
    if (unmap) {
      writeBe32(page, 20, MAX_UNMAP_BLOCKS);
      writeBe32(page, 24, MAX_UNMAP_DESCRIPTORS);
      writeBe32(page, 28, disk.physicalSectorSize / disk.sectorSize); // optimal unmap granularity
    }
    writeBe64(page, 36, MAX_WRITE_SAME_BLOCKS);
  }
}
