import { pipePacket, readPipeMessage, type Channel } from '@tsvisor/device-sdk';
import type { VscContext, VscDriver } from '@tsvisor/device-sdk/guest';
import { ProtocolError } from '@tsvisor/wire';
import type { DeviceClass } from '@tsvisor/device-sdk';
import { readIcRequest } from '../protocol/ic-message.js';
import type { IcVersion, NegotiatedVersions } from '../protocol/ic-version.js';
import { IcMessageType } from '../protocol/icmsg-header.js';
import { IC_FRAMEWORK_VERSIONS, answerNegotiate } from '../protocol/negotiate.js';

/** Counters every guest integration service keeps. */
export type IcDriverCounters = {
  /** Requests answered. */
  readonly answered: number;
  /** Host messages rejected as malformed or out of place. */
  readonly rejected: number;
};

/**
 * The guest side of an integration service (PROTOCOLS.md §5): answers the host's negotiate
 * request with the newest common versions, then hands each service request to {@link answer},
 * whose result goes back as the response (the host asks, the guest answers, one at a time).
 */
export abstract class IcServiceDriver<Device> implements VscDriver<Device> {
  abstract readonly deviceClass: Pick<DeviceClass, 'id' | 'interfaceType' | 'displayName' | 'channel'>;
  protected abstract readonly serviceVersions: readonly IcVersion[];
  protected abstract readonly messageType: IcMessageType;

  async bind(context: VscContext): Promise<Device> {
    const channel = await context.open();
    const counters = { answered: 0, rejected: 0 };
    const device = this.createDevice(channel, counters);
    let versions: NegotiatedVersions | undefined;
    const reply = (response: Uint8Array): void => {
      counters.answered++;
      channel.send(pipePacket(response)).catch(() => undefined);
    };
    channel.packets$.subscribe((packet) => {
      let request: Uint8Array;
      try {
        request = readPipeMessage(packet).slice();
        const { messageType } = readIcRequest(request).header;
        if (messageType === IcMessageType.NEGOTIATE) {
          const answer = answerNegotiate(request, IC_FRAMEWORK_VERSIONS, this.serviceVersions);
          versions = answer.outcome.agreed ? answer.outcome.versions : undefined;
          reply(answer.response);
          return;
        }
        if (messageType !== this.messageType || !versions) throw new ProtocolError(`unexpected message type ${messageType}`, { layout: 'IcMessageHeader', path: 'messageType', offset: 4 });
      } catch (error) {
        if (!(error instanceof ProtocolError)) throw error;
        counters.rejected++;
        return;
      }
      const negotiated = versions;
      const rejectedAnswer = (error: unknown): void => {
        if (!(error instanceof ProtocolError)) throw error;
        counters.rejected++;
      };
      // A synchronous answer goes out at once, an asynchronous one as soon as it settles.
      let result: ReturnType<typeof this.answer>;
      try {
        result = this.answer(device, request, negotiated);
      } catch (error) {
        rejectedAnswer(error);
        return;
      }
      if (result instanceof Promise) result.then((response) => response && reply(response), rejectedAnswer);
      else if (result) reply(result);
    });
    return device;
  }

  /** The device object the guest program sees; `counters` stay live. */
  protected abstract createDevice(channel: Channel, counters: IcDriverCounters): Device;

  /**
   * The response to one validated service request (it may wait, e.g. for the program's decision),
   * or `undefined` to leave it unanswered.
   */
  protected abstract answer(device: Device, request: Uint8Array, versions: NegotiatedVersions): Uint8Array | undefined | Promise<Uint8Array | undefined>;
}
