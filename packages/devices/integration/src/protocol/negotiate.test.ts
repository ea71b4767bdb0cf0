import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  expectGolden,
  expectOnlyProtocolErrors,
  expectProtocolError,
  hex,
  onlyProtocolErrors,
  toHex,
} from '@tsvisor/wire/testing';
import { IcStatus } from './icmsg-header.js';
import { icVersion, type IcVersion } from './ic-version.js';
import { readIcRequest } from './ic-message.js';
import {
  IC_FRAMEWORK_VERSIONS,
  IC_NEGOTIATE_ANSWER_SIZE,
  IcNegotiate,
  answerNegotiate,
  buildNegotiateRequest,
  readNegotiateOffer,
  readNegotiateResponse,
} from './negotiate.js';

const v = icVersion;
const HEARTBEAT = [v(3, 0), v(1, 0)];

/** The host's offer of framework 3.0, 1.0 and heartbeat 3.0, 1.0, transaction id 0. */
const OFFER_HEX =
  // icverframe icmsgtype icvermsg  size  status      xid flags rsvd
  '00 00 00 00  00 00     00 00 00 00  18 00  00 00 00 00  00  03  00 00' +
  // fw_count msg_count reserved     3.0          1.0          3.0          1.0
  '02 00      02 00     00 00 00 00  03 00 00 00  01 00 00 00  03 00 00 00  01 00 00 00';

describe('version negotiation (PROTOCOLS.md §5)', () => {
  it('IcNegotiate: golden bytes', () => {
    expectGolden(IcNegotiate, { frameworkVersionCount: 2, messageVersionCount: 3 }, '02 00 03 00 00 00 00 00');
    expect(IC_NEGOTIATE_ANSWER_SIZE).toBe(0x10);
  });

  it('speaks framework versions 3.0 and 1.0', () => {
    expect(IC_FRAMEWORK_VERSIONS).toEqual([v(3, 0), v(1, 0)]);
  });

  it('the host offers framework versions first, then service versions, headed with 0.0 versions', () => {
    expect(toHex(buildNegotiateRequest(IC_FRAMEWORK_VERSIONS, HEARTBEAT))).toBe(toHex(hex(OFFER_HEX)));
  });

  it('the guest keeps one of each, in a 16-byte body, like vmbus_prep_negotiate_resp', () => {
    const { response, outcome } = answerNegotiate(hex(OFFER_HEX), IC_FRAMEWORK_VERSIONS, HEARTBEAT);
    expect(outcome).toEqual({ agreed: true, versions: { framework: v(3, 0), service: v(3, 0) } });
    expect(toHex(response)).toBe(
      toHex(
        hex(
          '00 00 00 00  00 00  00 00 00 00  10 00  00 00 00 00  00  05  00 00' +
            '01 00 01 00 00 00 00 00  03 00 00 00  03 00 00 00',
        ),
      ),
    );
  });

  it('the newest common version wins, whatever the order of either list', () => {
    const request = buildNegotiateRequest([v(1, 0), v(3, 0)], [v(1, 0), v(3, 2), v(3, 0)]);
    const { outcome } = answerNegotiate(request, [v(1, 0), v(3, 0)], [v(3, 0), v(1, 0), v(3, 2), v(4, 0)]);
    expect(outcome).toEqual({ agreed: true, versions: { framework: v(3, 0), service: v(3, 2) } });
  });

  it('a host offering versions the guest lacks gets the older ones the guest has', () => {
    const request = buildNegotiateRequest(IC_FRAMEWORK_VERSIONS, [v(5, 0), v(4, 0), v(3, 0)]);
    const { response, outcome } = answerNegotiate(request, [v(1, 0)], [v(3, 0), v(1, 0)]);
    expect(outcome).toEqual({ agreed: true, versions: { framework: v(1, 0), service: v(3, 0) } });
    expect(
      readNegotiateResponse(response, {
        frameworkVersions: IC_FRAMEWORK_VERSIONS,
        serviceVersions: [v(5, 0), v(4, 0), v(3, 0)],
      }),
    ).toEqual(outcome);
  });

  it('with no common version, the guest answers zero counts and NOT_SUPPORTED, and the host reads a typed failure', () => {
    const offer = { frameworkVersions: IC_FRAMEWORK_VERSIONS, serviceVersions: [v(5, 0)] };
    const { response, outcome } = answerNegotiate(
      buildNegotiateRequest(offer.frameworkVersions, offer.serviceVersions),
      IC_FRAMEWORK_VERSIONS,
      HEARTBEAT,
    );
    expect(outcome).toEqual({ agreed: false, status: IcStatus.NOT_SUPPORTED });
    expect(toHex(response.subarray(20))).toBe(toHex(new Uint8Array(16)));
    expect(readNegotiateResponse(response, offer)).toEqual({ agreed: false, status: IcStatus.NOT_SUPPORTED });
  });

  it('no common framework version fails the negotiation even if the service versions match', () => {
    const request = buildNegotiateRequest([v(3, 0)], HEARTBEAT);
    expect(answerNegotiate(request, [v(1, 0)], HEARTBEAT).outcome.agreed).toBe(false);
  });

  it("the host reads Linux's failure answer: zero counts, garbage slots, status left at S_OK", () => {
    const linux = hex(
      '00 00 00 00 00 00 00 00 00 00 10 00 00 00 00 00 00 05 00 00' + '00 00 00 00 00 00 00 00 02 00 00 00 02 00 00 00',
    );
    expect(
      readNegotiateResponse(linux, { frameworkVersions: IC_FRAMEWORK_VERSIONS, serviceVersions: HEARTBEAT }),
    ).toEqual({
      agreed: false,
      status: IcStatus.S_OK,
    });
  });

  it('the guest answers a request offering nothing with zero counts', () => {
    const request = hex('00 00 00 00 00 00 00 00 00 00 08 00 00 00 00 00 00 03 00 00 00 00 00 00 00 00 00 00');
    expect(answerNegotiate(request, IC_FRAMEWORK_VERSIONS, HEARTBEAT).outcome.agreed).toBe(false);
  });

  it('keeps the transaction id of the request', () => {
    const request = buildNegotiateRequest(IC_FRAMEWORK_VERSIONS, HEARTBEAT, 200);
    const { response } = answerNegotiate(request, IC_FRAMEWORK_VERSIONS, HEARTBEAT);
    const offer = { frameworkVersions: IC_FRAMEWORK_VERSIONS, serviceVersions: HEARTBEAT };
    expect(readNegotiateResponse(response, offer, 200).agreed).toBe(true);
    expectProtocolError(() => readNegotiateResponse(response, offer, 1), {
      layout: 'IcMessageHeader',
      path: 'transactionId',
    });
  });

  describe('hostile messages', () => {
    /** The offer with its counts replaced. */
    function withCounts(framework: number, message: number): Uint8Array {
      const bytes = hex(OFFER_HEX);
      const view = new DataView(bytes.buffer);
      view.setUint16(20, framework, true);
      view.setUint16(22, message, true);
      return bytes;
    }

    it('more framework versions than the body holds is a ProtocolError naming frameworkVersionCount', () => {
      expectProtocolError(() => answerNegotiate(withCounts(5, 0), IC_FRAMEWORK_VERSIONS, HEARTBEAT), {
        layout: 'IcNegotiate',
        path: 'frameworkVersionCount',
        offset: 20,
      });
    });

    it('more service versions than the bytes left is a ProtocolError naming messageVersionCount', () => {
      expectProtocolError(() => answerNegotiate(withCounts(2, 3), IC_FRAMEWORK_VERSIONS, HEARTBEAT), {
        layout: 'IcNegotiate',
        path: 'messageVersionCount',
        offset: 22,
      });
    });

    it('counts above 100 are a ProtocolError even when the bytes are there', () => {
      const versions = Array.from({ length: 101 }, (_, index) => v(1, index));
      const request = buildNegotiateRequest([v(3, 0)], versions.slice(0, 100));
      new DataView(request.buffer).setUint16(22, 101, true);
      const padded = new Uint8Array(request.length + 4);
      padded.set(request);
      new DataView(padded.buffer).setUint16(10, request.length + 4 - 20, true);
      expectProtocolError(() => readNegotiateOffer(readIcRequest(padded)), {
        layout: 'IcNegotiate',
        path: 'messageVersionCount',
      });
      expect(() => buildNegotiateRequest([v(3, 0)], versions)).toThrow(RangeError);
      expect(() => buildNegotiateRequest([], HEARTBEAT)).toThrow(RangeError);
    });

    it('a body too short for the counts is a ProtocolError', () => {
      const request = hex('00 00 00 00 00 00 00 00 00 00 02 00 00 00 00 00 00 03 00 00 01 00');
      expectProtocolError(() => answerNegotiate(request, IC_FRAMEWORK_VERSIONS, HEARTBEAT), {
        layout: 'IcNegotiate',
        path: 'messageVersionCount',
      });
    });

    it('an answer keeping two versions of a kind is a ProtocolError naming the count', () => {
      const { response } = answerNegotiate(hex(OFFER_HEX), IC_FRAMEWORK_VERSIONS, HEARTBEAT);
      response[20] = 2;
      expectProtocolError(
        () => readNegotiateResponse(response, { frameworkVersions: IC_FRAMEWORK_VERSIONS, serviceVersions: HEARTBEAT }),
        { layout: 'IcNegotiate', path: 'frameworkVersionCount' },
      );
    });

    it('an answer choosing a version the host did not offer is a ProtocolError naming the slot', () => {
      const { response } = answerNegotiate(hex(OFFER_HEX), IC_FRAMEWORK_VERSIONS, HEARTBEAT);
      const offer = { frameworkVersions: IC_FRAMEWORK_VERSIONS, serviceVersions: [v(1, 0)] };
      expectProtocolError(() => readNegotiateResponse(response, offer), {
        layout: 'IcNegotiate',
        path: 'versions[1]',
        offset: 32,
      });
    });

    it('a negotiate answer of another message type is a ProtocolError naming messageType', () => {
      const { response } = answerNegotiate(hex(OFFER_HEX), IC_FRAMEWORK_VERSIONS, HEARTBEAT);
      response[4] = 1;
      expectProtocolError(
        () => readNegotiateResponse(response, { frameworkVersions: IC_FRAMEWORK_VERSIONS, serviceVersions: HEARTBEAT }),
        { layout: 'IcMessageHeader', path: 'messageType' },
      );
    });
  });

  it('round trip: every pair of offered and supported lists settles on the newest common versions', () => {
    const version = fc.record({ major: fc.integer({ min: 0, max: 5 }), minor: fc.integer({ min: 0, max: 3 }) });
    const list = fc.uniqueArray(version, { minLength: 1, maxLength: 6, selector: (x) => `${x.major}.${x.minor}` });
    fc.assert(
      fc.property(list, list, list, list, (hostFw, hostSvc, guestFw, guestSvc) => {
        const { response, outcome } = answerNegotiate(buildNegotiateRequest(hostFw, hostSvc), guestFw, guestSvc);
        const newest = (a: IcVersion[], b: IcVersion[]) =>
          a
            .filter((x) => b.some((y) => y.major === x.major && y.minor === x.minor))
            .sort((x, y) => y.major - x.major || y.minor - x.minor)[0];
        const framework = newest(hostFw, guestFw);
        const service = newest(hostSvc, guestSvc);
        const expected =
          framework && service
            ? { agreed: true, versions: { framework, service } }
            : { agreed: false, status: IcStatus.NOT_SUPPORTED };
        expect(outcome).toEqual(expected);
        expect(readNegotiateResponse(response, { frameworkVersions: hostFw, serviceVersions: hostSvc })).toEqual(
          expected,
        );
      }),
      { numRuns: 300 },
    );
  });

  it('random bytes into the negotiate readers throw nothing but ProtocolError', () => {
    const offer = { frameworkVersions: IC_FRAMEWORK_VERSIONS, serviceVersions: HEARTBEAT };
    const header = hex(OFFER_HEX).subarray(0, 20);
    const framed = fc
      .tuple(fc.uint8Array({ maxLength: 80 }), fc.integer({ min: 0, max: 90 }), fc.constantFrom(3, 5, 2, 4, 0, 9))
      .map(([body, size, flags]) => {
        const bytes = new Uint8Array(20 + body.length);
        bytes.set(header);
        bytes.set(body, 20);
        new DataView(bytes.buffer).setUint16(10, size, true);
        bytes[17] = flags;
        return bytes;
      });
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 80 }), framed), (bytes) => {
        onlyProtocolErrors(() => answerNegotiate(bytes, IC_FRAMEWORK_VERSIONS, HEARTBEAT));
        onlyProtocolErrors(() => readNegotiateResponse(bytes, offer));
      }),
      { numRuns: 1000 },
    );
    expectOnlyProtocolErrors([IcNegotiate]);
  });
});
