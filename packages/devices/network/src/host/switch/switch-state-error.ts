/** An operation the switch cannot do in its present state (port limit, no host port on a private switch). */
export class SwitchStateError extends Error {
  override readonly name = 'SwitchStateError';

  constructor(
    /** The switch's name. */
    readonly switchName: string,
    /** The operation that was refused; nothing changed. */
    readonly operation: string,
    /** Why. */
    readonly reason: string,
  ) {
    super(`virtual switch '${switchName}' cannot ${operation}: ${reason}`);
  }
}
