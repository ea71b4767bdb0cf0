/**
 * A read or write of a disk's I/O thread failed: the file system's errno (negative, as Node
 * reports it), or the thread refused a range outside guest memory or the file, or the thread is
 * gone. The SCSI target turns it into MEDIUM ERROR sense for that one request.
 */
export class DiskIoError extends Error {
  override readonly name = 'DiskIoError';

  constructor(
    readonly path: string,
    /** Negative errno; 0 when no system call failed (a refused range, a thread that ended). */
    readonly errno: number,
    problem: string,
  ) {
    super(`disk I/O on ${path} failed: ${problem}`);
  }
}
