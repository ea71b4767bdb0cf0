/**
 * A file of the inventory that cannot be read as a VM configuration: not JSON, not a valid
 * configuration, or not the VM its name says. `file` is its path, `field` the offending field
 * (empty when the file as a whole is wrong); the underlying error, if any, is the `cause`.
 */
export class InventoryFileError extends Error {
  override readonly name = 'InventoryFileError';

  constructor(
    /** Path of the file. */
    readonly file: string,
    /** Dotted path of the offending field, e.g. `devices[0].class`; empty for the whole file. */
    readonly field: string,
    /** What is wrong. */
    readonly problem: string,
    options?: ErrorOptions,
  ) {
    super(`${file}: ${field ? `${field}: ` : ''}${problem}`, options);
  }
}
