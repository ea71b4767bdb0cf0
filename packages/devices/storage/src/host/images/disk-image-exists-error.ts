/** A new image was asked for at a path that already holds a file: images are never overwritten. */
export class DiskImageExistsError extends Error {
  override readonly name = 'DiskImageExistsError';
  /** As Node's file system errors say it, for callers that recognize those. */
  readonly code = 'EEXIST';

  constructor(
    /** The path that exists. */
    readonly path: string,
  ) {
    super(`${path}: a file already exists there`);
  }
}
