/**
 * UTF-8 without TextEncoder/TextDecoder, which guest realms do not have. Lone surrogates encode
 * as U+FFFD; malformed input decodes to U+FFFD per maximal subpart (WHATWG decoder behaviour).
 */

/** The UTF-8 bytes of `text`. */
export function encodeUtf8(text: string): Uint8Array {
  const out = new Uint8Array(text.length * 3);
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const low = text.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00);
        i++;
      }
    }
    if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
    if (c < 0x80) out[n++] = c;
    else if (c < 0x800) {
      out[n++] = 0xc0 | (c >> 6);
      out[n++] = 0x80 | (c & 63);
    } else if (c < 0x10000) {
      out[n++] = 0xe0 | (c >> 12);
      out[n++] = 0x80 | ((c >> 6) & 63);
      out[n++] = 0x80 | (c & 63);
    } else {
      out[n++] = 0xf0 | (c >> 18);
      out[n++] = 0x80 | ((c >> 12) & 63);
      out[n++] = 0x80 | ((c >> 6) & 63);
      out[n++] = 0x80 | (c & 63);
    }
  }
  return out.slice(0, n);
}

/** The text of UTF-8 `bytes`. */
export function decodeUtf8(bytes: Uint8Array): string {
  const units: number[] = [];
  let text = '';
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i]!;
    let needed = 0;
    let c = 0;
    let min = 0;
    if (b < 0x80) {
      c = b;
    } else if (b >= 0xc2 && b <= 0xdf) {
      needed = 1;
      c = b & 0x1f;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      needed = 2;
      c = b & 0x0f;
      min = 0x800;
    } else if (b >= 0xf0 && b <= 0xf4) {
      needed = 3;
      c = b & 0x07;
      min = 0x10000;
    } else {
      units.push(0xfffd);
      i++;
      continue;
    }
    let j = 1;
    for (; j <= needed; j++) {
      const next = bytes[i + j];
      if (next === undefined || (next & 0xc0) !== 0x80) break;
      c = (c << 6) | (next & 0x3f);
      // Reject overlong forms, surrogates and values past U+10FFFF as soon as they show.
      if (j === 1 && ((needed === 2 && b === 0xe0 && next < 0xa0) || (needed === 2 && b === 0xed && next > 0x9f) || (needed === 3 && b === 0xf0 && next < 0x90) || (needed === 3 && b === 0xf4 && next > 0x8f))) break;
    }
    if (j <= needed) {
      units.push(0xfffd);
      i += j;
      continue;
    }
    if (c < min) {
      units.push(0xfffd);
    } else if (c >= 0x10000) {
      c -= 0x10000;
      units.push(0xd800 + (c >> 10), 0xdc00 + (c & 0x3ff));
    } else {
      units.push(c);
    }
    i += needed + 1;
    if (units.length >= 4096) {
      text += String.fromCharCode(...units);
      units.length = 0;
    }
  }
  return text + String.fromCharCode(...units);
}
