import { closeSync, openSync, writeSync } from 'node:fs';
import { DeviceConfigError } from '@tsvisor/device-sdk';

/** Classic pcap: the magic that says "microsecond timestamps, in this file's byte order". */
export const PCAP_MAGIC = 0xa1b2c3d4;
/** LINKTYPE_ETHERNET: records are Ethernet II frames without FCS. */
export const PCAP_LINKTYPE_ETHERNET = 1;
const PCAP_HEADER_LENGTH = 24;
const PCAP_RECORD_HEADER_LENGTH = 16;
/** The largest snapshot length readers accept without complaint (libpcap's MAXIMUM_SNAPLEN). */
const MAX_SNAP_LENGTH = 262_144;
const MIN_BUFFER_LENGTH = 256 * 1024;

/** Limits of one capture. */
export interface PacketCaptureOptions {
  /** Bytes kept of each frame (the rest is cut, its length still recorded). Default 65535. */
  snapLength?: number;
  /** Largest file, header included; then the capture stops and counts what it missed. Default 64 MiB. */
  maxFileBytes?: number;
}

/** What a capture counts. */
export interface PacketCaptureCounters {
  /** Frames written. */
  framesCaptured: number;
  /** Bytes written to the file (or waiting in the buffer), header included. */
  bytes: number;
  /** Frames not written because the size limit was reached (or a write failed). */
  framesMissed: number;
  /** Writes to the file that failed; the first one stops the capture. */
  writeErrors: number;
}

/**
 * A classic pcap file being written (the libpcap format, version 2.4, LINKTYPE_ETHERNET), as
 * Wireshark and tcpdump read it. Records go into a preallocated buffer that is written out
 * synchronously when full and on {@link close}, so recording a frame allocates nothing.
 */
export class PacketCapture {
  readonly counters: PacketCaptureCounters = { framesCaptured: 0, bytes: 0, framesMissed: 0, writeErrors: 0 };
  readonly snapLength: number;
  readonly maxFileBytes: number;
  private readonly buffer: Uint8Array;
  private readonly view: DataView;
  private used = 0;
  private fd: number | undefined;
  private full = false;

  /** Creates (or truncates) `file` and writes the pcap header. */
  constructor(
    /** The capture file's path. */
    readonly file: string,
    options: PacketCaptureOptions = {},
  ) {
    this.snapLength = options.snapLength ?? 65_535;
    this.maxFileBytes = options.maxFileBytes ?? 64 * 1024 * 1024;
    if (!Number.isInteger(this.snapLength) || this.snapLength < 1 || this.snapLength > MAX_SNAP_LENGTH) {
      throw new DeviceConfigError('snapLength', `must be an integer from 1 to ${MAX_SNAP_LENGTH}`);
    }
    if (!Number.isInteger(this.maxFileBytes) || this.maxFileBytes < PCAP_HEADER_LENGTH) {
      throw new DeviceConfigError('maxFileBytes', `must be an integer of at least ${PCAP_HEADER_LENGTH}`);
    }
    this.buffer = new Uint8Array(Math.max(MIN_BUFFER_LENGTH, PCAP_RECORD_HEADER_LENGTH + this.snapLength));
    this.view = new DataView(this.buffer.buffer);
    this.fd = openSync(file, 'w');
    const v = this.view;
    v.setUint32(0, PCAP_MAGIC, true);
    v.setUint16(4, 2, true);
    v.setUint16(6, 4, true);
    v.setInt32(8, 0, true); // thiszone: timestamps are UTC
    v.setUint32(12, 0, true); // sigfigs
    v.setUint32(16, this.snapLength, true);
    v.setUint32(20, PCAP_LINKTYPE_ETHERNET, true);
    this.used = PCAP_HEADER_LENGTH;
    this.counters.bytes = PCAP_HEADER_LENGTH;
  }

  /** Whether the capture still writes: not closed, not full, no write failed. */
  get isCapturing(): boolean {
    return this.fd !== undefined && !this.full;
  }

  /** Appends one frame, `frame[offset, offset + length)`, seen at `timeMs` (ms since the epoch). */
  record(frame: Uint8Array, offset: number, length: number, timeMs: number): void {
    if (!this.isCapturing) {
      this.counters.framesMissed++;
      return;
    }
    const kept = length < this.snapLength ? length : this.snapLength;
    const size = PCAP_RECORD_HEADER_LENGTH + kept;
    if (this.counters.bytes + size > this.maxFileBytes) {
      this.full = true;
      this.counters.framesMissed++;
      return;
    }
    if (this.used + size > this.buffer.length && !this.flush()) {
      this.counters.framesMissed++;
      return;
    }
    const seconds = Math.floor(timeMs / 1000);
    const v = this.view;
    v.setUint32(this.used, seconds, true);
    v.setUint32(this.used + 4, Math.floor((timeMs - seconds * 1000) * 1000), true);
    v.setUint32(this.used + 8, kept, true);
    v.setUint32(this.used + 12, length, true);
    this.buffer.set(offset === 0 && kept === frame.length ? frame : frame.subarray(offset, offset + kept), this.used + PCAP_RECORD_HEADER_LENGTH);
    this.used += size;
    this.counters.bytes += size;
    this.counters.framesCaptured++;
  }

  /** Writes what is buffered and closes the file; later records are only counted as missed. */
  close(): void {
    if (this.fd === undefined) return;
    this.flush();
    const fd = this.fd;
    this.fd = undefined;
    closeSync(fd);
  }

  /** Writes the buffer out; false (and the capture stopped) if that failed. */
  private flush(): boolean {
    if (this.fd === undefined) return false;
    try {
      let written = 0;
      while (written < this.used) written += writeSync(this.fd, this.buffer, written, this.used - written);
      this.used = 0;
      return true;
    } catch {
      // A full disk must not take the switch down: stop capturing, keep forwarding.
      this.counters.writeErrors++;
      this.full = true;
      return false;
    }
  }
}
