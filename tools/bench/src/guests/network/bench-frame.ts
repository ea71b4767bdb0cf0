import { ETHERNET_HEADER_SIZE, ETHERNET_SOURCE_OFFSET, ETHERNET_TYPE_OFFSET } from '@tsvisor/network';
import { readMac, writeMac, type MacAddress } from '@tsvisor/network/guest';

/**
 * The frames the network suite's guests exchange: Ethernet II frames with the local-experimental
 * EtherType 0x88B5, a kind byte and the index of the workload they belong to after the header.
 */
export const BENCH_ETHER_TYPE = 0x88b5;
const KIND_AT = ETHERNET_HEADER_SIZE;
const WORKLOAD_AT = KIND_AT + 1;
/** The shortest bench frame: the header, the kind and the workload index. */
export const BENCH_FRAME_MIN_BYTES = WORKLOAD_AT + 1;

/** What a bench frame is for. */
export const BenchFrameKind = {
  /** A frame of the measured stream, sender to receiver. */
  DATA: 1,
  /** Receiver to sender: the workload is measured, go on to the next one. */
  STOP: 2,
} as const;

/** A bench frame of `length` bytes (at least {@link BENCH_FRAME_MIN_BYTES}); the rest of the payload is 0x5A. */
export function benchFrame(destination: MacAddress, source: MacAddress, length: number, kind: number, workload: number): Uint8Array {
  if (!Number.isInteger(length) || length < BENCH_FRAME_MIN_BYTES) throw new RangeError(`a bench frame has at least ${BENCH_FRAME_MIN_BYTES} bytes, not ${length}`);
  const frame = new Uint8Array(length).fill(0x5a);
  writeMac(frame, 0, destination);
  writeMac(frame, ETHERNET_SOURCE_OFFSET, source);
  frame[ETHERNET_TYPE_OFFSET] = BENCH_ETHER_TYPE >> 8;
  frame[ETHERNET_TYPE_OFFSET + 1] = BENCH_ETHER_TYPE & 0xff;
  frame[KIND_AT] = kind;
  frame[WORKLOAD_AT] = workload;
  return frame;
}

/** The kind of bench frame `frame` is, or 0 when it is not one. */
export function benchFrameKind(frame: Uint8Array): number {
  if (frame.length < BENCH_FRAME_MIN_BYTES || frame[ETHERNET_TYPE_OFFSET] !== BENCH_ETHER_TYPE >> 8 || frame[ETHERNET_TYPE_OFFSET + 1] !== (BENCH_ETHER_TYPE & 0xff)) return 0;
  return frame[KIND_AT]!;
}

/** The sender's address of a bench frame. */
export function benchFrameSource(frame: Uint8Array): MacAddress {
  return readMac(frame, ETHERNET_SOURCE_OFFSET);
}

/** The workload index a bench frame carries. */
export function benchFrameWorkload(frame: Uint8Array): number {
  return frame[WORKLOAD_AT]!;
}
