/** A write or unmap reached a disk opened read-only. */
export class DiskReadOnlyError extends Error {
  override readonly name = 'DiskReadOnlyError';

  constructor(readonly path: string) {
    super(`the disk ${path} is open read-only`);
  }
}
