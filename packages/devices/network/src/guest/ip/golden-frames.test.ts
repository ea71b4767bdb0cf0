import { hex, toHex } from '@tsvisor/wire/testing';
import { describe, expect, it } from 'vitest';
import { ADDRESS_B, connectedStacks } from './test-fixtures/connected-stacks.js';

// Frames from 10.0.0.1 (02:00:00:00:00:0a) to 10.0.0.2 (02:00:00:00:00:0b), written by hand from
// RFC 826, 791, 792 and 768; checksums summed by hand (the sums are in the comments).
const ETHERNET_A_TO_B = '02 00 00 00 00 0b  02 00 00 00 00 0a  08 00';

describe('frames on the wire', () => {
  it('announces itself, then asks who has 10.0.0.2', async () => {
    const { cable, a } = connectedStacks();
    const ping = a.ping(ADDRESS_B, { timeoutMs: 1000, payload: hex('61 62 63 64') });
    expect(toHex(cable.a.sent[0]!)).toBe(
      toHex(hex('ff ff ff ff ff ff  02 00 00 00 00 0a  08 06   00 01 08 00 06 04 00 01  02 00 00 00 00 0a 0a 00 00 01  00 00 00 00 00 00 0a 00 00 01')),
    );
    expect(toHex(cable.a.sent[1]!)).toBe(
      toHex(hex('ff ff ff ff ff ff  02 00 00 00 00 0a  08 06   00 01 08 00 06 04 00 01  02 00 00 00 00 0a 0a 00 00 01  00 00 00 00 00 00 0a 00 00 02')),
    );
    cable.flush();
    await ping;
  });

  it('sends an echo request with correct IPv4 and ICMP checksums', async () => {
    const { cable, a } = connectedStacks();
    const ping = a.ping(ADDRESS_B, { timeoutMs: 1000, payload: hex('61 62 63 64') });
    cable.flush();
    await ping;
    // IPv4: 4500+0020+0000+4000+4001+0a00+0001+0a00+0002 = d924 → 26db
    // ICMP: 0800+000a+0000+6162+6364 = ccd0 → 332f (identifier 000a: the MAC's low 16 bits)
    expect(toHex(cable.a.sent[2]!)).toBe(
      toHex(hex(`${ETHERNET_A_TO_B}  45 00 00 20 00 00 40 00 40 01 26 db 0a 00 00 01 0a 00 00 02  08 00 33 2f 00 0a 00 00 61 62 63 64`)),
    );
    // b's reply: type 0, so the checksum is 0800 higher: 3b2f; b's first IPv4 packet, identification 0 too.
    expect(toHex(cable.b.sent.at(-1)!)).toBe(
      toHex(hex('02 00 00 00 00 0a  02 00 00 00 00 0b  08 00  45 00 00 20 00 00 40 00 40 01 26 db 0a 00 00 02 0a 00 00 01  00 00 3b 2f 00 0a 00 00 61 62 63 64')),
    );
  });

  it('sends a UDP datagram with the pseudo-header checksum', async () => {
    const { cable, a } = connectedStacks();
    const sent = a.bind(5000).send(ADDRESS_B, 7, hex('68 69'));
    cable.flush();
    await sent;
    // IPv4: 4500+001e+0000+4000+4011+0a00+0001+0a00+0002 = d932 → 26cd
    // UDP: pseudo 0a00+0001+0a00+0002+0011+000a = 141e; 1388+0007+000a+6869 = 7c02; 141e+7c02 = 9020 → 6fdf
    expect(toHex(cable.a.sent.at(-1)!)).toBe(
      toHex(hex(`${ETHERNET_A_TO_B}  45 00 00 1e 00 00 40 00 40 11 26 cd 0a 00 00 01 0a 00 00 02  13 88 00 07 00 0a 6f df 68 69`)),
    );
  });
});
