/** One sample line of a Prometheus text exposition, parsed. */
export interface ParsedSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** A parsed exposition: HELP and TYPE by metric name, and the samples in order. */
export interface ParsedExposition {
  readonly help: ReadonlyMap<string, string>;
  readonly types: ReadonlyMap<string, string>;
  readonly samples: readonly ParsedSample[];
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const HELP_LINE = new RegExp(`^# HELP (${NAME}) ((?:[^\\\\\\n]|\\\\[\\\\n])*)$`);
const TYPE_LINE = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`);
const SAMPLE_LINE = new RegExp(`^(${NAME})(?:\\{(.*)\\})? (\\S+)(?: (-?\\d+))?$`);
const LABEL = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\["\\n])*)"(,|$)/;

function unescape(text: string): string {
  return text.replace(/\\(["\\n])/g, (_, character: string) => (character === 'n' ? '\n' : character));
}

function parseValue(text: string, line: number): number {
  if (text === 'NaN') return Number.NaN;
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) throw new Error(`line ${line}: ${JSON.stringify(text)} is not a value`);
  return Number(text);
}

function parseLabels(text: string, line: number): Record<string, string> {
  const labels: Record<string, string> = {};
  let rest = text;
  while (rest !== '') {
    const match = LABEL.exec(rest);
    if (match === null) throw new Error(`line ${line}: bad labels at ${JSON.stringify(rest)}`);
    const [whole, name, value] = match;
    if (Object.hasOwn(labels, name!)) throw new Error(`line ${line}: label ${name} given twice`);
    labels[name!] = unescape(value!);
    rest = rest.slice(whole.length);
  }
  return labels;
}

/**
 * Parses `text` as the Prometheus text exposition format 0.0.4, strictly: every line a HELP, a
 * TYPE or a sample; HELP and TYPE at most once per metric and before its samples; a metric's
 * samples together; label values and help escaped. Throws naming the line at fault.
 */
export function parsePrometheusText(text: string): ParsedExposition {
  if (text !== '' && !text.endsWith('\n')) throw new Error('the exposition does not end with a line feed');
  const help = new Map<string, string>();
  const types = new Map<string, string>();
  const samples: ParsedSample[] = [];
  const finished = new Set<string>();
  let current: string | undefined;
  const enter = (name: string, line: number): void => {
    if (name === current) return;
    if (finished.has(name)) throw new Error(`line ${line}: metric ${name} is split in two`);
    if (current !== undefined) finished.add(current);
    current = name;
  };
  text
    .split('\n')
    .slice(0, -1)
    .forEach((content, index) => {
      const line = index + 1;
      const helpLine = HELP_LINE.exec(content);
      const typeLine = TYPE_LINE.exec(content);
      if (helpLine !== null) {
        const [, name, value] = helpLine;
        if (help.has(name!) || samples.some((sample) => sample.name === name)) throw new Error(`line ${line}: misplaced HELP of ${name}`);
        enter(name!, line);
        help.set(name!, unescape(value!));
      } else if (typeLine !== null) {
        const [, name, type] = typeLine;
        if (types.has(name!) || samples.some((sample) => sample.name === name)) throw new Error(`line ${line}: misplaced TYPE of ${name}`);
        enter(name!, line);
        types.set(name!, type!);
      } else if (content.startsWith('#')) {
        throw new Error(`line ${line}: ${JSON.stringify(content)} is a malformed HELP or TYPE line`);
      } else {
        const sample = SAMPLE_LINE.exec(content);
        if (sample === null) throw new Error(`line ${line}: ${JSON.stringify(content)} is not a sample`);
        const [, name, labels, value] = sample;
        enter(name!, line);
        samples.push({ name: name!, labels: parseLabels(labels ?? '', line), value: parseValue(value!, line) });
      }
    });
  return { help, types, samples };
}
