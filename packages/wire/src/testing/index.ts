/**
 * `@tsvisor/wire/testing`: test helpers for wire layouts (golden bytes, hostile decoding) and for
 * checking that guest-side code runs in a guest-like realm. Needs vitest, fast-check and
 * typescript (test-time dependencies).
 * @packageDocumentation
 */
export { hex, toHex, zeros, field, expectGolden, expectOnlyProtocolErrors, onlyProtocolErrors, thrownBy, expectProtocolError } from './golden.js';
export { createGuestRealm, loadIntoGuestRealm, WIRE_SOURCE_ENTRY } from './guest-realm.js';
