import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateAlerts, type Alert, type Seen } from '../../lib/alerts';

/** Feeds a series of values of one symbol to the evaluator; returns at which step each alert fired. */
function run(alerts: Alert[], values: readonly number[]): Map<string, number[]> {
  let seen: Seen = {};
  let current = alerts;
  const fired = new Map<string, number[]>(alerts.map((a) => [a.id, []]));
  values.forEach((value, step) => {
    const result = evaluateAlerts(current, seen, 'AAA', () => value);
    seen = result.seen;
    for (const alert of result.fired) fired.get(alert.id)?.push(step);
    // The store marks a fired alert, which stops it being evaluated again.
    const firedIds = new Set(result.fired.map((a) => a.id));
    current = current.map((a) => (firedIds.has(a.id) ? { ...a, firedAt: step } : a));
  });
  return fired;
}

/** The reference: the first step whose value is at or past the level coming from the other side. */
function firstCrossing(alert: Alert, values: readonly number[]): number | undefined {
  for (let i = 1; i < values.length; i++) {
    const before = values[i - 1] as number;
    const now = values[i] as number;
    if (
      alert.direction === 'above'
        ? before < alert.level && now >= alert.level
        : before > alert.level && now <= alert.level
    )
      return i;
  }
  return undefined;
}

/** The evaluator skips repeated values; the reference must see the series the same way. */
function withoutRepeats(values: readonly number[]): number[] {
  return values.filter((v, i) => i === 0 || v !== values[i - 1]);
}

const alert = (id: string, direction: Alert['direction'], level: number): Alert => ({
  id,
  symbol: 'AAA',
  metric: 'price',
  direction,
  level,
});

describe('alert evaluator', () => {
  it('fires an alert above once, when the price comes up to its level', () => {
    const fired = run([alert('up', 'above', 10)], [8, 9, 10, 11, 9, 12]);
    expect(fired.get('up')).toEqual([2]);
  });

  it('does not fire on the first value, even past the level', () => {
    expect(run([alert('down', 'below', 10)], [5, 4, 3]).get('down')).toEqual([]);
  });

  it('leaves other symbols and fired alerts alone', () => {
    const other: Alert = { ...alert('x', 'above', 1), symbol: 'BBB' };
    const done: Alert = { ...alert('y', 'above', 1), firedAt: 1 };
    const result = evaluateAlerts([other, done], {}, 'AAA', () => 5);
    expect(result.fired).toEqual([]);
    expect(result.seen).toEqual({});
  });

  it('fires each alert exactly at its first crossing, for any series and levels', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 1, maxLength: 60 }),
        fc.array(
          fc.tuple(fc.constantFrom<'above' | 'below'>('above', 'below'), fc.integer({ min: 0, max: 20 })),
          {
            minLength: 1,
            maxLength: 6,
          },
        ),
        (values, specs) => {
          const alerts = specs.map(([direction, level], i) => alert(`a${i}`, direction, level));
          const fired = run(alerts, values);
          const series = withoutRepeats(values);
          for (const a of alerts) {
            const expected = firstCrossing(a, series);
            const steps = fired.get(a.id) ?? [];
            expect(steps.length).toBe(expected === undefined ? 0 : 1);
            if (expected !== undefined) {
              // The step in the original series is where the crossing value first appeared.
              const step = steps[0] as number;
              expect(values[step]).toBe(series[expected]);
            }
          }
        },
      ),
    );
  });
});
