/**
 * A problem found inside a field type, on its way out to the layout that reports it.
 *
 * Field types do not know where they sit, so they throw a `FieldFault` with an empty path; each
 * enclosing struct or array prepends its segment (`.name` or `[index]`) as the fault propagates,
 * and the outermost layout turns it into a `ProtocolError`. Paths are thus only built on failure.
 * @internal
 */
export class FieldFault extends Error {
  /** Path from the outermost layout, each segment with its separator: `.offer.interfaceType`. */
  path = '';

  /**
   * @param message - What is wrong with the field.
   * @param offset - Absolute byte offset of the field in the view.
   */
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }

  /** Prepends `segment` to the path of `error` if it is a fault; returns `error` for rethrowing. */
  static within(error: unknown, segment: string): unknown {
    if (error instanceof FieldFault) error.path = segment + error.path;
    return error;
  }
}
