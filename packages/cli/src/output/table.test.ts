import { describe, expect, it } from 'vitest';
import { formatTable } from './table.js';

describe('formatTable', () => {
  it('aligns columns on the widest cell, numbers to the right', () => {
    const text = formatTable(
      [{ heading: 'NAME' }, { heading: 'CPU', align: 'right' }, { heading: 'NOTES' }],
      [
        ['web-01', '3%', 'front end'],
        ['db', '100%', ''],
      ],
    );
    expect(text).toBe(['NAME     CPU  NOTES', 'web-01    3%  front end', 'db      100%', ''].join('\n'));
  });

  it('prints only the headings when there are no rows', () => {
    expect(formatTable([{ heading: 'NAME' }, { heading: 'STATE' }], [])).toBe('NAME  STATE\n');
  });
});
