import { ReturnCode } from '../state/return-code.js';

/** A caller whose role does not allow the operation it asked for (answered with {@link ReturnCode.AccessDenied}). */
export class AccessDeniedError extends Error {
  override readonly name = 'AccessDeniedError';
  /** The code the VMMS answers with: 32769, access denied (PROTOCOLS.md §6). */
  readonly returnCode = ReturnCode.AccessDenied;

  constructor(
    /** The role the caller presented, as presented (it may name no role at all). */
    readonly role: string,
    /** The operation it asked for. */
    readonly operation: string,
  ) {
    super(`access denied: role ${JSON.stringify(role)} may not perform ${JSON.stringify(operation)}`);
  }
}
