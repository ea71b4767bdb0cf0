/** What a MAC table counts (monotonic, except `entries`). */
export interface MacTableCounters {
  /** Addresses held now. */
  entries: number;
  /** New addresses learned. */
  learned: number;
  /** Known addresses seen on another port than before (a VM moved, or a loop). */
  moves: number;
  /** Entries removed because their address was not seen for the aging time. */
  agedOut: number;
  /** Entries removed because their port left the switch. */
  flushed: number;
  /** Addresses not learned because the table was full (their frames are flooded instead). */
  refused: number;
}

/** The key's high half when a bucket is empty: real keys always carry a VLAN id ≥ 1 above bit 16. */
const EMPTY = 0;

/**
 * The switch's bounded MAC learning table: (VLAN, source MAC) → port, with aging. An open
 * addressing hash table in preallocated typed arrays (linear probing, backward-shift deletion), so
 * learning and lookups allocate nothing. When full it refuses new addresses rather than evicting
 * live ones: a guest spraying random source addresses cannot push other VMs' entries out.
 */
export class MacTable {
  readonly counters: MacTableCounters = { entries: 0, learned: 0, moves: 0, agedOut: 0, flushed: 0, refused: 0 };
  /** `vlanId << 16 | mac >> 32`; {@link EMPTY} marks a free bucket. */
  private readonly keyHigh: Int32Array;
  /** The low 32 bits of the MAC, signed. */
  private readonly keyLow: Int32Array;
  private readonly port: Int32Array;
  private readonly lastSeen: Float64Array;
  private readonly mask: number;

  constructor(
    /** Most addresses held at once. */
    readonly capacity: number,
    /** How long an address not seen stays, ms. */
    readonly agingTimeMs: number,
  ) {
    let buckets = 8;
    while (buckets < capacity * 2) buckets *= 2;
    this.mask = buckets - 1;
    this.keyHigh = new Int32Array(buckets);
    this.keyLow = new Int32Array(buckets);
    this.port = new Int32Array(buckets);
    this.lastSeen = new Float64Array(buckets);
  }

  /** Records that `vlanId`/MAC was seen on `portId` at `now`. */
  learn(vlanId: number, macHigh: number, macLow: number, portId: number, now: number): void {
    const high = (vlanId << 16) | macHigh;
    let i = this.home(high, macLow);
    for (;;) {
      const h = this.keyHigh[i]!;
      if (h === EMPTY) break;
      if (h === high && this.keyLow[i] === macLow) {
        if (this.port[i] !== portId) {
          this.port[i] = portId;
          this.counters.moves++;
        }
        this.lastSeen[i] = now;
        return;
      }
      i = (i + 1) & this.mask;
    }
    if (this.counters.entries >= this.capacity) {
      this.counters.refused++;
      return;
    }
    this.keyHigh[i] = high;
    this.keyLow[i] = macLow;
    this.port[i] = portId;
    this.lastSeen[i] = now;
    this.counters.entries++;
    this.counters.learned++;
  }

  /** The port `vlanId`/MAC was last seen on, or -1 when unknown or aged out (the entry then goes). */
  lookup(vlanId: number, macHigh: number, macLow: number, now: number): number {
    const high = (vlanId << 16) | macHigh;
    let i = this.home(high, macLow);
    for (;;) {
      const h = this.keyHigh[i]!;
      if (h === EMPTY) return -1;
      if (h === high && this.keyLow[i] === macLow) {
        if (now - this.lastSeen[i]! < this.agingTimeMs) return this.port[i]!;
        this.remove(i);
        this.counters.agedOut++;
        return -1;
      }
      i = (i + 1) & this.mask;
    }
  }

  /** Removes every entry of `portId` (the port left); returns how many. */
  flushPort(portId: number): number {
    let removed = 0;
    for (let i = 0; i <= this.mask; i++) {
      // A removal shifts a later entry into bucket i: look at it again.
      while (this.keyHigh[i] !== EMPTY && this.port[i] === portId) {
        this.remove(i);
        removed++;
      }
    }
    this.counters.flushed += removed;
    return removed;
  }

  /** Removes every entry not seen for the aging time; returns how many. */
  sweep(now: number): number {
    let removed = 0;
    for (let i = 0; i <= this.mask; i++) {
      while (this.keyHigh[i] !== EMPTY && now - this.lastSeen[i]! >= this.agingTimeMs) {
        this.remove(i);
        removed++;
      }
    }
    this.counters.agedOut += removed;
    return removed;
  }

  private home(high: number, low: number): number {
    let h = Math.imul(low ^ Math.imul(high, 0x9e3779b1), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    return (h ^ (h >>> 16)) & this.mask;
  }

  /** Empties bucket `hole`, moving later entries of the same probe run back so lookups still find them. */
  private remove(hole: number): void {
    let i = hole;
    let j = hole;
    for (;;) {
      j = (j + 1) & this.mask;
      const high = this.keyHigh[j]!;
      if (high === EMPTY) break;
      const k = this.home(high, this.keyLow[j]!);
      // The entry at j may fill the hole only if its home is not cyclically within (i, j].
      const stays = i <= j ? i < k && k <= j : i < k || k <= j;
      if (stays) continue;
      this.keyHigh[i] = high;
      this.keyLow[i] = this.keyLow[j]!;
      this.port[i] = this.port[j]!;
      this.lastSeen[i] = this.lastSeen[j]!;
      i = j;
    }
    this.keyHigh[i] = EMPTY;
    this.counters.entries--;
  }
}
