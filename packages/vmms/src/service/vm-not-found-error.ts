/** No VM of the inventory has this name or id. */
export class VmNotFoundError extends Error {
  override readonly name = 'VmNotFoundError';

  constructor(
    /** The name or id asked for. */
    readonly vm: string,
  ) {
    super(`there is no VM named or with id ${JSON.stringify(vm)}`);
  }
}
