import type { VirtualDisk } from '../../disk/virtual-disk.js';

/** One call that reached a {@link RecordingDisk}. */
export interface DiskCall {
  readonly operation: 'read' | 'write' | 'flush' | 'unmap';
  readonly offset: number;
  readonly length: number;
}

/**
 * A real disk with a log of the calls that reached it, to check what a SCSI command did to it. A
 * read or write the disk did now (`readNow`, `writeNow`) is logged like one through the promise.
 */
export class RecordingDisk implements VirtualDisk {
  readonly calls: DiskCall[] = [];

  constructor(private readonly inner: VirtualDisk) {}

  get format(): string {
    return this.inner.format;
  }
  get sizeBytes(): number {
    return this.inner.sizeBytes;
  }
  get sectorSize(): number {
    return this.inner.sectorSize;
  }
  get physicalSectorSize(): number {
    return this.inner.physicalSectorSize;
  }
  get readOnly(): boolean {
    return this.inner.readOnly;
  }

  read(offset: number, target: Uint8Array): Promise<void> {
    this.calls.push({ operation: 'read', offset, length: target.length });
    return this.inner.read(offset, target);
  }

  readNow(offset: number, target: Uint8Array): boolean {
    const done = this.inner.readNow?.(offset, target) === true;
    if (done) this.calls.push({ operation: 'read', offset, length: target.length });
    return done;
  }

  writeNow(offset: number, source: Uint8Array): boolean {
    const done = this.inner.writeNow?.(offset, source) === true;
    if (done) this.calls.push({ operation: 'write', offset, length: source.length });
    return done;
  }

  write(offset: number, source: Uint8Array): Promise<void> {
    this.calls.push({ operation: 'write', offset, length: source.length });
    return this.inner.write(offset, source);
  }

  flush(): Promise<void> {
    this.calls.push({ operation: 'flush', offset: 0, length: 0 });
    return this.inner.flush();
  }

  unmap(offset: number, length: number): Promise<void> {
    this.calls.push({ operation: 'unmap', offset, length });
    return this.inner.unmap(offset, length);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
