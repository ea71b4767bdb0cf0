import { describe, expect, it } from 'vitest';
import { FrameQueue } from './frame-queue.js';

describe('FrameQueue', () => {
  it('starts every frame 8-byte aligned whatever the slot size, and keeps frames in order', () => {
    // 1518 bytes: a standard frame with its 802.1Q tag, not a multiple of 8.
    const queue = new FrameQueue(5, 1518);
    expect(queue.slotStride).toBe(1520);
    const frame = (fill: number): Uint8Array => new Uint8Array(1518).fill(fill);
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 5; i++) queue.enqueue(frame(round * 5 + i), 0, 1518, false, 1);
      expect(queue.isFull).toBe(true);
      for (let i = 0; i < 5; i++) {
        expect(queue.headOffset % 8).toBe(0);
        expect(queue.headLength).toBe(1518);
        expect(queue.storage[queue.headOffset]).toBe(round * 5 + i);
        expect(queue.storage[queue.headOffset + 1517]).toBe(round * 5 + i);
        queue.dequeue();
      }
      expect(queue.length).toBe(0);
    }
  });
});
