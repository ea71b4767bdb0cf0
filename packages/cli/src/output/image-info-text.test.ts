import { describe, expect, it } from 'vitest';
import { formatImageInfo } from './image-info-text.js';

describe('formatImageInfo', () => {
  it('prints a dynamic image with its block size, sizes in units and in bytes', () => {
    const text = formatImageInfo({ path: '/vms/os.vhdx', format: 'vhdx', virtualSize: 10 * 1024 ** 3, fileSize: 4 * 1024 ** 2, fixed: false, blockSize: 32 * 1024 ** 2, sectorSize: 512 });
    expect(text).toBe(
      [
        'Path:          /vms/os.vhdx',
        'Format:        vhdx',
        'Type:          dynamic',
        'Virtual size:  10 GiB (10737418240 bytes)',
        'File size:     4 MiB (4194304 bytes)',
        'Sector size:   512',
        'Block size:    32 MiB',
        '',
      ].join('\n'),
    );
  });

  it('calls an image with a parent differencing, and names the parent', () => {
    const text = formatImageInfo({ path: '/vms/child.vhdx', format: 'vhdx', virtualSize: 1024, fileSize: 1024, fixed: false, sectorSize: 512, parent: '/vms/base.vhdx' });
    expect(text).toMatch(/^Type: +differencing$/m);
    expect(text).toMatch(/^Parent: +\/vms\/base\.vhdx$/m);
  });
});
