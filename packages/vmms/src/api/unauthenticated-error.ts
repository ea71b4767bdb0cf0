/**
 * A request the management API cannot attribute to a caller: no bearer token where one is needed,
 * or one that is not in the token table. Answered with 401 and a `WWW-Authenticate: Bearer` challenge.
 */
export class UnauthenticatedError extends Error {
  override readonly name = 'UnauthenticatedError';

  constructor(
    /** Whether the request presented credentials (RFC 6750: then the challenge says `invalid_token`). */
    readonly presentedCredentials: boolean,
    message: string,
  ) {
    super(message);
  }
}
