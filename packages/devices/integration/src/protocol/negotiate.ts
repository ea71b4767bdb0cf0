/**
 * Version negotiation, the first exchange on every integration-service channel: the host offers
 * the framework and service versions it speaks, the guest keeps the newest one of each that it
 * speaks too. Byte-exact per PROTOCOLS.md §5 (`struct icmsg_negotiate`).
 *
 * The guest's answer follows Linux's `vmbus_prep_negotiate_resp`: the body is always 16 bytes
 * (`icmsgsize = 0x10`), the counts and two version slots. When nothing matches, Linux sets both
 * counts to 0 and leaves the status as the host sent it; tsvisor's guest does the same but zeroes
 * the slots and answers NOT_SUPPORTED. The host decides on the counts alone, so it reads Linux's
 * answers too.
 * @module
 */
import { ProtocolError, reserved, struct, u16, type Infer } from '@tsvisor/wire';
import { IC_HEADER_SIZE, IcMessageType, IcStatus } from './icmsg-header.js';
import { buildIcRequest, buildIcResponse, readIcRequest, readIcResponse, type IcMessage } from './ic-message.js';
import {
  IcVersion,
  formatIcVersion,
  icVersion,
  isSameIcVersion,
  newestIcVersion,
  type NegotiatedVersions,
} from './ic-version.js';

/**
 * The fixed part of a negotiate body (`struct icmsg_negotiate`, 8 bytes). `frameworkVersionCount`
 * framework {@link IcVersion}s follow, then `messageVersionCount` service versions.
 */
export const IcNegotiate = struct('IcNegotiate', {
  frameworkVersionCount: u16,
  messageVersionCount: u16,
  reserved: reserved(4),
});
/** Value of an {@link IcNegotiate}. */
export type IcNegotiate = Infer<typeof IcNegotiate>;

/** The framework versions tsvisor speaks, newest first: 3.0 (`UTIL_FW_VERSION`) and 1.0 (WS2008). */
export const IC_FRAMEWORK_VERSIONS: readonly IcVersion[] = [icVersion(3, 0), icVersion(1, 0)];

/** Most versions of each kind an offer may list (Linux's `IC_VERSION_NEGOTIATION_MAX_VER_COUNT`). */
export const IC_NEGOTIATE_MAX_VERSIONS = 100;

/** Body size of every negotiate answer: the counts and two version slots (`icmsgsize = 0x10`). */
export const IC_NEGOTIATE_ANSWER_SIZE = IcNegotiate.size + 2 * IcVersion.size;

/** The versions one side offers. */
export interface NegotiateOffer {
  readonly frameworkVersions: readonly IcVersion[];
  readonly serviceVersions: readonly IcVersion[];
}

/** How a negotiation ended: with one version of each kind, or with none. */
export type NegotiateOutcome =
  | { readonly agreed: true; readonly versions: NegotiatedVersions }
  | {
      readonly agreed: false;
      /** The status of the answer: NOT_SUPPORTED from tsvisor, often S_OK from Linux. */
      readonly status: number;
    };

/** The guest's answer to a negotiate request, and what it agreed to. */
export interface NegotiateAnswer {
  /** The answer to send back. */
  readonly response: Uint8Array;
  readonly outcome: NegotiateOutcome;
}

function negotiateFault(message: string, path: string, offset: number): ProtocolError {
  return new ProtocolError(message, { layout: IcNegotiate.name, path, offset });
}

function checkOfferList(what: string, versions: readonly IcVersion[]): void {
  if (versions.length === 0 || versions.length > IC_NEGOTIATE_MAX_VERSIONS) {
    throw new RangeError(`an offer lists 1 to ${IC_NEGOTIATE_MAX_VERSIONS} ${what} versions, got ${versions.length}`);
  }
}

/**
 * Host side: the negotiate request offering `frameworkVersions` and `serviceVersions`. The header
 * carries version 0.0 for both, since nothing is negotiated yet.
 * @param transactionId - The id the answer must carry (default 0).
 * @throws RangeError if a list is empty or longer than {@link IC_NEGOTIATE_MAX_VERSIONS}.
 */
export function buildNegotiateRequest(
  frameworkVersions: readonly IcVersion[],
  serviceVersions: readonly IcVersion[],
  transactionId = 0,
): Uint8Array {
  checkOfferList('framework', frameworkVersions);
  checkOfferList('service', serviceVersions);
  const versions = [...frameworkVersions, ...serviceVersions];
  const body = new Uint8Array(IcNegotiate.size + versions.length * IcVersion.size);
  const view = new DataView(body.buffer);
  IcNegotiate.write(view, 0, {
    frameworkVersionCount: frameworkVersions.length,
    messageVersionCount: serviceVersions.length,
  });
  versions.forEach((version, index) => IcVersion.write(view, IcNegotiate.size + index * IcVersion.size, version));
  const none = icVersion(0, 0);
  return buildIcRequest(
    { messageType: IcMessageType.NEGOTIATE, versions: { framework: none, service: none }, transactionId },
    body,
  );
}

/** Offset of version slot `index` from the start of the message. */
function slotOffset(index: number): number {
  return IC_HEADER_SIZE + IcNegotiate.size + index * IcVersion.size;
}

/** Offset of a field of the fixed part from the start of the message. */
function countOffset(field: keyof IcNegotiate & string): number {
  return IC_HEADER_SIZE + IcNegotiate.offsetOf(field);
}

/** Reads `count` versions from the slots of `message`, starting at slot `first`. */
function readVersions(message: IcMessage, first: number, count: number): IcVersion[] {
  const versions: IcVersion[] = [];
  for (let index = first; index < first + count; index++) {
    versions.push(IcVersion.decode(message.bytes, slotOffset(index)));
  }
  return versions;
}

/**
 * Guest side: the versions a negotiate request offers. Each count must be at most
 * {@link IC_NEGOTIATE_MAX_VERSIONS} and the versions must fit in the body.
 * @throws ProtocolError naming the count that does not fit.
 */
export function readNegotiateOffer(message: IcMessage): NegotiateOffer {
  const { frameworkVersionCount, messageVersionCount } = IcNegotiate.decode(message.bytes, IC_HEADER_SIZE);
  const room = Math.floor((message.body.length - IcNegotiate.size) / IcVersion.size);
  for (const [field, count] of [
    ['frameworkVersionCount', frameworkVersionCount],
    ['messageVersionCount', messageVersionCount],
  ] as const) {
    if (count > IC_NEGOTIATE_MAX_VERSIONS) {
      throw negotiateFault(
        `${count} versions exceed the limit of ${IC_NEGOTIATE_MAX_VERSIONS}`,
        field,
        countOffset(field),
      );
    }
  }
  if (frameworkVersionCount > room) {
    throw negotiateFault(
      `${frameworkVersionCount} framework versions do not fit in the ${room} slots of the body`,
      'frameworkVersionCount',
      countOffset('frameworkVersionCount'),
    );
  }
  if (frameworkVersionCount + messageVersionCount > room) {
    throw negotiateFault(
      `${messageVersionCount} message versions do not fit in the ${room - frameworkVersionCount} slots left`,
      'messageVersionCount',
      countOffset('messageVersionCount'),
    );
  }
  return {
    frameworkVersions: readVersions(message, 0, frameworkVersionCount),
    serviceVersions: readVersions(message, frameworkVersionCount, messageVersionCount),
  };
}

/** The newest version both in `offered` and in `supported`. */
function newestCommon(offered: readonly IcVersion[], supported: readonly IcVersion[]): IcVersion | undefined {
  return newestIcVersion(offered.filter((version) => supported.some((own) => isSameIcVersion(own, version))));
}

/**
 * Guest side: answers the negotiate request in `request` with the newest framework version and the
 * newest service version that both sides speak, or with zero counts and NOT_SUPPORTED if either
 * kind has none in common.
 * @param supportedFramework - Framework versions the guest speaks ({@link IC_FRAMEWORK_VERSIONS}).
 * @param supportedService - Versions of the service's messages the guest speaks.
 * @throws ProtocolError if `request` is not a valid negotiate request.
 */
export function answerNegotiate(
  request: Uint8Array,
  supportedFramework: readonly IcVersion[],
  supportedService: readonly IcVersion[],
): NegotiateAnswer {
  const message = readIcRequest(request, IcMessageType.NEGOTIATE);
  const offer = readNegotiateOffer(message);
  const framework = newestCommon(offer.frameworkVersions, supportedFramework);
  const service = newestCommon(offer.serviceVersions, supportedService);
  const agreed = framework !== undefined && service !== undefined;
  const body = new Uint8Array(IC_NEGOTIATE_ANSWER_SIZE);
  const view = new DataView(body.buffer);
  IcNegotiate.write(view, 0, { frameworkVersionCount: agreed ? 1 : 0, messageVersionCount: agreed ? 1 : 0 });
  if (agreed) {
    IcVersion.write(view, IcNegotiate.size, framework);
    IcVersion.write(view, IcNegotiate.size + IcVersion.size, service);
    return {
      response: buildIcResponse(message, IcStatus.S_OK, body),
      outcome: { agreed: true, versions: { framework, service } },
    };
  }
  return {
    response: buildIcResponse(message, IcStatus.NOT_SUPPORTED, body),
    outcome: { agreed: false, status: IcStatus.NOT_SUPPORTED },
  };
}

/**
 * Host side: reads the guest's answer to the negotiate request that offered `offer`. Zero counts
 * mean no common version, whatever the status; one of each must be versions the host offered.
 * @param transactionId - The transaction id of the request (default 0).
 * @throws ProtocolError if the answer is malformed, has other counts, or picks a version the host
 * did not offer.
 */
export function readNegotiateResponse(
  response: Uint8Array,
  offer: NegotiateOffer,
  transactionId = 0,
): NegotiateOutcome {
  const message = readIcResponse(response, { messageType: IcMessageType.NEGOTIATE, transactionId });
  const { frameworkVersionCount, messageVersionCount } = IcNegotiate.decode(message.bytes, IC_HEADER_SIZE);
  if (frameworkVersionCount === 0 && messageVersionCount === 0) {
    return { agreed: false, status: message.header.status };
  }
  for (const [field, count] of [
    ['frameworkVersionCount', frameworkVersionCount],
    ['messageVersionCount', messageVersionCount],
  ] as const) {
    if (count !== 1) {
      throw negotiateFault(`an answer keeps one version of each kind or none, got ${count}`, field, countOffset(field));
    }
  }
  const [framework, service] = readVersions(message, 0, 2) as [IcVersion, IcVersion];
  for (const [index, version, offered] of [
    [0, framework, offer.frameworkVersions],
    [1, service, offer.serviceVersions],
  ] as const) {
    if (!offered.some((candidate) => isSameIcVersion(candidate, version))) {
      throw negotiateFault(
        `the guest chose version ${formatIcVersion(version)}, which was not offered`,
        `versions[${index}]`,
        slotOffset(index),
      );
    }
  }
  return { agreed: true, versions: { framework, service } };
}
