/** TCP was asked of a management API with no bearer tokens: over TCP every caller needs one, so none could get in. */
export class TcpWithoutTokensError extends Error {
  override readonly name = 'TcpWithoutTokensError';

  constructor() {
    super('tokens: the management API listens on TCP only with bearer tokens; the token table is empty');
  }
}
