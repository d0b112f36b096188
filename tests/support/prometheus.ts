/** One sample of a Prometheus text exposition: its metric name, labels and value. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const LABEL = `([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\\\\n]|\\\\[\\\\"n])*)"`;
const SAMPLE = new RegExp(`^(${NAME})(?:\\{((?:${LABEL})(?:,${LABEL})*,?)?\\})? (\\S+)(?: -?\\d+)?$`);
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

/**
 * Parses Prometheus text format 0.0.4 strictly: every line a `# HELP`, a `# TYPE` (before its samples, once per
 * metric), a comment or a sample with a valid name, labels and value. Throws naming the first bad line.
 */
export function parsePrometheusText(text: string): { samples: Sample[]; types: Map<string, string> } {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  const lines = text.split('\n');
  if (lines.at(-1) !== '') throw new Error('the exposition must end with a line feed');
  for (const [i, line] of lines.slice(0, -1).entries()) {
    const bad = (why: string) => new Error(`line ${i + 1} ${why}: ${line}`);
    if (line.startsWith('# TYPE ')) {
      const parts = line.split(' ');
      const [, , name, type] = parts;
      if (parts.length !== 4 || !name || !type || !new RegExp(`^${NAME}$`).test(name) || !TYPES.has(type))
        throw bad('is no TYPE');
      if (types.has(name)) throw bad('types a metric twice');
      types.set(name, type);
      continue;
    }
    if (line.startsWith('#') || line === '') continue;
    const match = SAMPLE.exec(line);
    if (!match) throw bad('is no sample');
    const value = floatOf(match.at(-1) ?? '');
    if (value === undefined) throw bad('has no number');
    const labels: Record<string, string> = {};
    for (const [, key, raw] of (match[2] ?? '').matchAll(new RegExp(LABEL, 'g'))) {
      labels[key as string] = (raw as string).replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    }
    samples.push({ name: match[1] as string, labels, value });
  }
  return { samples, types };
}

/** A value as Go's ParseFloat, which Prometheus uses, reads it: also NaN and Inf in any case. */
function floatOf(text: string): number | undefined {
  if (/^nan$/i.test(text)) return NaN;
  if (/^[+-]?inf(inity)?$/i.test(text)) return text.startsWith('-') ? -Infinity : Infinity;
  const value = Number(text);
  return text.trim() === '' || Number.isNaN(value) ? undefined : value;
}

/** The value of the one sample of `name` whose labels include `labels`; undefined when there is none. */
export function sampleValue(
  samples: readonly Sample[],
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  return samples.find(
    (sample) =>
      sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
  )?.value;
}
