import { createHash, timingSafeEqual } from 'node:crypto';
import type { Role } from '../authorization/role.js';
import type { Caller } from '../service/caller.js';

/** One bearer token of a {@link TokenTable}: who presents it, and in which role. */
export interface TokenEntry {
  /** The caller's name, for the log and for jobs. */
  readonly name: string;
  readonly role: Role;
  /** The secret itself. */
  readonly token: string;
}

interface Digested {
  readonly caller: Caller;
  readonly digest: Buffer;
}

function digestOf(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/**
 * The bearer tokens the management API accepts, each mapped to a {@link Caller}. Only SHA-256
 * digests are kept, and a presented token is compared with every one of them in constant time, so
 * neither a token's length nor its first differing character shows in the time an answer takes.
 * Build one with {@link TokenTable.of} (`TokenTable.of([])` serves the Unix socket's owner
 * only), or load one with `loadTokenTable`.
 */
export class TokenTable {
  readonly #entries: readonly Digested[];

  private constructor(entries: readonly Digested[]) {
    this.#entries = entries;
  }

  /** A table of `entries`; they are trusted as given (`parseTokenTable` checks untrusted ones). */
  static of(entries: readonly TokenEntry[]): TokenTable {
    return new TokenTable(
      entries.map(({ name, role, token }) => ({ caller: Object.freeze({ name, role }), digest: digestOf(token) })),
    );
  }

  /** How many tokens the table holds. */
  get size(): number {
    return this.#entries.length;
  }

  /** The caller `token` belongs to, or `undefined` if it is none of the table's. */
  callerOf(token: string): Caller | undefined {
    const presented = digestOf(token);
    let found: Caller | undefined;
    // Every entry is compared, matched or not: the loop's length depends on the table only.
    for (const entry of this.#entries) {
      if (timingSafeEqual(entry.digest, presented) && found === undefined) found = entry.caller;
    }
    return found;
  }
}
