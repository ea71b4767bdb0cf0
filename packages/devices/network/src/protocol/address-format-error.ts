/** Text that does not spell an address of the expected kind. */
export class AddressFormatError extends Error {
  override readonly name = 'AddressFormatError';

  constructor(
    /** The text given. */
    readonly text: string,
    /** The kind of address expected. */
    readonly kind: 'MAC' | 'IPv4',
  ) {
    super(`${JSON.stringify(text)} is not a${kind === 'MAC' ? ' MAC' : 'n IPv4'} address`);
  }
}
