import type { Role } from '../authorization/role.js';

/** Who asks the VMMS for something: every request of the API and the CLI carries one. */
export interface Caller {
  /** For the log and for jobs: a token's name, or `local` for the owner of the Unix socket. */
  readonly name: string;
  readonly role: Role;
}
