/** An HTTP API answered a request with another status than the one the benchmark needs. */
export class UnexpectedStatusError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly expected: number,
    readonly status: number,
    readonly body: string,
  ) {
    super(`${method} ${path}: expected ${expected}, got ${status}: ${body.slice(0, 500)}`);
    this.name = 'UnexpectedStatusError';
  }
}
