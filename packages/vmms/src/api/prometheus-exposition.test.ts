import { describe, expect, it } from 'vitest';
import { formatPrometheusText } from './prometheus-exposition.js';
import { parsePrometheusText } from './test-fixtures/prometheus-text-check.js';

describe('formatPrometheusText', () => {
  it('writes HELP, TYPE and one line per sample', () => {
    const text = formatPrometheusText([
      { name: 'tsvisor_jobs', help: 'Jobs by state', type: 'gauge', samples: [{ labels: { state: 'Running' }, value: 2 }] },
    ]);
    expect(text).toBe('# HELP tsvisor_jobs Jobs by state\n# TYPE tsvisor_jobs gauge\ntsvisor_jobs{state="Running"} 2\n');
  });

  it('escapes backslashes, quotes and line feeds in label values, and backslashes and line feeds in help', () => {
    const text = formatPrometheusText([
      {
        name: 'm',
        help: 'a \\ and a\nline',
        type: 'untyped',
        samples: [{ labels: { vm: 'we"ird\\na\nme' }, value: 1 }],
      },
    ]);
    expect(text).toContain('# HELP m a \\\\ and a\\nline\n');
    expect(text).toContain('m{vm="we\\"ird\\\\na\\nme"} 1\n');
    const parsed = parsePrometheusText(text);
    expect(parsed.samples[0]!.labels['vm']).toBe('we"ird\\na\nme');
    expect(parsed.help.get('m')).toBe('a \\ and a\nline');
  });

  it('writes NaN and the infinities as the format spells them', () => {
    const text = formatPrometheusText([
      { name: 'm', help: 'h', type: 'gauge', samples: [{ labels: {}, value: Number.NaN }, { labels: {}, value: Infinity }, { labels: {}, value: -Infinity }] },
    ]);
    expect(text.split('\n').slice(2, 5)).toEqual(['m NaN', 'm +Inf', 'm -Inf']);
    expect(parsePrometheusText(text).samples.map((sample) => sample.value)).toEqual([Number.NaN, Infinity, -Infinity]);
  });

  it('refuses metric and label names the format does not allow', () => {
    expect(() => formatPrometheusText([{ name: 'bad-name', help: '', type: 'gauge', samples: [] }])).toThrow(RangeError);
    expect(() => formatPrometheusText([{ name: 'm', help: '', type: 'gauge', samples: [{ labels: { 'a-b': 'x' }, value: 1 }] }])).toThrow(RangeError);
    expect(() => formatPrometheusText([{ name: 'm', help: '', type: 'gauge', samples: [{ labels: { __name__: 'x' }, value: 1 }] }])).toThrow(RangeError);
  });
});

describe('parsePrometheusText (the check the API tests use)', () => {
  it('rejects what the format forbids', () => {
    expect(() => parsePrometheusText('m 1')).toThrow(/line feed/);
    expect(() => parsePrometheusText('m{a="x} 1\n')).toThrow(/line 1/);
    expect(() => parsePrometheusText('m one\n')).toThrow(/not a value/);
    expect(() => parsePrometheusText('m 1\n# TYPE m gauge\n')).toThrow(/misplaced TYPE/);
    expect(() => parsePrometheusText('m 1\nn 1\nm 2\n')).toThrow(/split/);
    expect(() => parsePrometheusText('# TYPE m bogus\n')).toThrow(/malformed/);
  });
});
