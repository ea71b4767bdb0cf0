import { entropyStatusName, type EntropyStatus } from './entropy-protocol.js';

/** The entropy device answered a request with an error status. */
export class EntropyRequestError extends Error {
  override readonly name = 'EntropyRequestError';

  constructor(
    /** The status the device answered with. */
    readonly status: EntropyStatus,
    /** What the refused request asked for, e.g. `GET_ENTROPY of 70000 bytes`. */
    readonly request: string,
  ) {
    super(`the entropy device refused ${request}: ${entropyStatusName(status)}`);
  }
}
