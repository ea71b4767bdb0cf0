/**
 * An error answer of the VMMS REST API: its HTTP status and the body's
 * `{ error: { code, returnValue?, message, field? } }`.
 */
export class ManagementApiError extends Error {
  override readonly name = 'ManagementApiError';

  constructor(
    /** The HTTP status: 400, 401, 403, 404, 409, 413, 415 or 500. */
    readonly status: number,
    /** The API's error code, e.g. `vm-not-found`, `invalid-state`; `http-<status>` when the body had none. */
    readonly code: string,
    message: string,
    /** The management return code (PROTOCOLS.md §6), when the API gives one: 32769 access denied, 32775 invalid state, … */
    readonly returnValue?: number,
    /** The field of the request that was wrong, when the API names one: `memory`, `devices[0].class`; empty for the whole body. */
    readonly field?: string,
  ) {
    super(message);
  }
}
