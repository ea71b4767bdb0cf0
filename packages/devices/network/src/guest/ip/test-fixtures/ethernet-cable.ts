import type { FrameLink } from '../frame-link.js';
import type { MacAddress } from '../../../protocol/mac-address.js';

/** One end of an {@link EthernetCable}. */
export class CableEnd implements FrameLink {
  /** Copies of every frame this end sent, oldest first. */
  readonly sent: Uint8Array[] = [];
  private receiver: ((frame: Uint8Array) => void) | undefined;

  constructor(
    readonly mac: MacAddress,
    readonly mtu: number,
    private readonly cable: EthernetCable,
  ) {}

  send(frame: Uint8Array): void {
    const copy = frame.slice();
    this.sent.push(copy);
    this.cable.carry(this, copy);
  }

  onFrame(receiver: (frame: Uint8Array) => void): () => void {
    this.receiver = receiver;
    return () => {
      if (this.receiver === receiver) this.receiver = undefined;
    };
  }

  /** Hands `frame` to whoever listens at this end. */
  receive(frame: Uint8Array): void {
    this.receiver?.(frame);
  }
}

/**
 * A real in-memory link between two stacks. Frames in flight wait on the wire until `flush`
 * delivers them (so never from inside `send`, as `FrameLink` asks); `cut` makes the wire lose
 * everything; `inject` hands arbitrary bytes straight to an end.
 */
export class EthernetCable {
  readonly a: CableEnd;
  readonly b: CableEnd;
  private readonly inFlight: { to: CableEnd; frame: Uint8Array }[] = [];
  private connected = true;

  constructor(macA: MacAddress, macB: MacAddress, mtu = 1500) {
    this.a = new CableEnd(macA, mtu, this);
    this.b = new CableEnd(macB, mtu, this);
  }

  /** Delivers frames in flight, and those their delivery sends, until the wire is quiet; how many were delivered. */
  flush(): number {
    let delivered = 0;
    for (let next = this.inFlight.shift(); next; next = this.inFlight.shift()) {
      next.to.receive(next.frame);
      delivered++;
    }
    return delivered;
  }

  /** Unplugs the cable: what is sent from now on is lost. */
  cut(): void {
    this.connected = false;
  }

  /** Delivers `frame` to end `to` at once, as if it came over the wire. */
  inject(to: CableEnd, frame: Uint8Array): void {
    to.receive(frame);
  }

  /** @internal Puts a frame sent at `from` on the wire. */
  carry(from: CableEnd, frame: Uint8Array): void {
    if (this.connected) this.inFlight.push({ to: from === this.a ? this.b : this.a, frame });
  }
}
