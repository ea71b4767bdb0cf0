import { describe, expect, it } from 'vitest';
import { formatBytes } from './byte-size.js';

describe('formatBytes', () => {
  it('writes whole sizes in the largest binary unit', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(64 * 1024 * 1024)).toBe('64 MiB');
    expect(formatBytes(1024 ** 3)).toBe('1 GiB');
  });

  it('keeps one decimal for sizes between units', () => {
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(100 * 1024 * 1024 + 1)).toBe('100 MiB');
  });
});
