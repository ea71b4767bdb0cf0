import { describe, expect, it } from 'vitest';
import { decodeVhdxParentLocator, encodeVhdxParentLocator } from './vhdx-parent-locator.js';

describe('VHDX parent locators', () => {
  it('refuses a parent locator without parent_linkage or with strings outside it', () => {
    const item = encodeVhdxParentLocator({ parentLinkage: '11111111-2222-3333-4444-555555555555', relativePath: '.\\a.vhdx' });
    expect(decodeVhdxParentLocator(item)).toEqual({ parentLinkage: '11111111-2222-3333-4444-555555555555', relativePath: '.\\a.vhdx' });
    const outside = item.slice();
    new DataView(outside.buffer).setUint32(20 + 4, item.length, true);
    expect(() => decodeVhdxParentLocator(outside)).toThrow(expect.objectContaining({ structure: 'parent locator', field: 'entries[0].value' }));
    const noEntries = item.slice();
    new DataView(noEntries.buffer).setUint16(18, 0, true); // keyValueCount
    expect(() => decodeVhdxParentLocator(noEntries)).toThrow(expect.objectContaining({ field: 'parent_linkage' }));
    const badLinkage = encodeVhdxParentLocator({ parentLinkage: '11111111-2222-3333-4444-555555555555' });
    badLinkage[badLinkage.length - 4] = 0x5a; // a 'Z' among the GUID's digits
    expect(() => decodeVhdxParentLocator(badLinkage)).toThrow(/is not a GUID/);
  });
});
