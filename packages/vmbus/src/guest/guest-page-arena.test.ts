import { describe, expect, it } from 'vitest';
import { GuestPageArena } from './guest-page-arena.js';

describe('GuestPageArena', () => {
  it('hands out zeroed contiguous runs first-fit and merges what comes back', () => {
    const memory = new SharedArrayBuffer(64 * 4096);
    new Uint8Array(memory).fill(0xff);
    const arena = new GuestPageArena(memory, 16, 32);
    const a = arena.allocate(8);
    const b = arena.allocate(8);
    const c = arena.allocate(8);
    expect([a, b, c]).toEqual([16, 24, 32]);
    expect(new Uint8Array(memory, a * 4096, 8 * 4096).every((x) => x === 0)).toBe(true);
    arena.release(a, 8);
    arena.release(b, 8);
    expect(arena.allocate(16)).toBe(16);
    arena.release(16, 16);
    arena.release(c, 8);
    expect(arena.freePages).toBe(32);
    expect(arena.allocate(32)).toBe(16);
    expect(() => arena.allocate(1)).toThrow(RangeError);
  });

  it('refuses an arena outside guest memory', () => {
    expect(() => new GuestPageArena(new SharedArrayBuffer(4 * 4096), 2, 4)).toThrow(RangeError);
  });
});
