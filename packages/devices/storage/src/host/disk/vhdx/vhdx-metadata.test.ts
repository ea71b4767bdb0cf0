import { describe, expect, it } from 'vitest';
import { decodeVhdxMetadata, encodeVhdxMetadata, type VhdxMetadata } from './vhdx-metadata.js';

const MiB = 1024 * 1024;
const metadata: VhdxMetadata = {
  blockSize: 32 * MiB,
  leaveBlocksAllocated: true,
  hasParent: false,
  virtualDiskSize: 10 * MiB,
  logicalSectorSize: 4096,
  physicalSectorSize: 4096,
  page83Data: '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0',
};

function decode(region: Uint8Array): Promise<VhdxMetadata> {
  return decodeVhdxMetadata(region.length, (offset, length) => Promise.resolve(region.slice(offset, offset + length)));
}

/** Sets the u32 at `offset` of a copy of `region`. */
function patched(region: Uint8Array, offset: number, value: number): Uint8Array {
  const copy = region.slice();
  new DataView(copy.buffer).setUint32(offset, value, true);
  return copy;
}

describe('VHDX metadata', () => {
  it('round-trips the file parameters, sizes, page 83 data and parent locator', async () => {
    expect(await decode(encodeVhdxMetadata(metadata, MiB))).toEqual(metadata);
    const child = {
      ...metadata,
      leaveBlocksAllocated: false,
      hasParent: true,
      parentLocator: { parentLinkage: '11111111-2222-3333-4444-555555555555', relativePath: '.\\base.vhdx', absoluteWin32Path: '/images/base.vhdx' },
    };
    expect(await decode(encodeVhdxMetadata(child, MiB))).toEqual(child);
  });

  it('refuses bad values, naming the item', async () => {
    const region = encodeVhdxMetadata(metadata, MiB);
    const items = 64 * 1024; // file parameters, then the size, page 83 data and the sector sizes
    await expect(decode(patched(region, 0, 0))).rejects.toMatchObject({ structure: 'metadata', field: 'signature' });
    await expect(decode(patched(region, items, 3 * MiB))).rejects.toMatchObject({ field: 'fileParameters.blockSize' });
    await expect(decode(patched(region, items + 8, 1000))).rejects.toMatchObject({ field: 'virtualDiskSize' });
    await expect(decode(patched(region, items + 32, 1024))).rejects.toMatchObject({ field: 'logicalSectorSize' });
    await expect(decode(patched(region, 32 + 20, MiB))).rejects.toMatchObject({ field: 'entries[0].offset' });
    await expect(decode(patched(region, 32 + 4 * 32 + 24, 5))).rejects.toMatchObject({ field: 'entries[4].flags' }); // now a required user item
    await expect(decode(patched(region, 32 + 4 * 32 + 24, 1))).rejects.toMatchObject({ field: 'physicalSectorSize' }); // a user item: not the known one
    await expect(decode(patched(region, 8, 4 << 16))).rejects.toMatchObject({ field: 'physicalSectorSize' }); // only four entries
  });
});
