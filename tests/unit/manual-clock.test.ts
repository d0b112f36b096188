import { describe, expect, it } from 'vitest';
import { every } from '../../server/clock';
import { ManualClock } from '../support/manual-clock';

describe('ManualClock', () => {
  it('stands still until advanced', () => {
    const clock = new ManualClock(1_000);
    expect(clock.now()).toBe(1_000);
    clock.advance(250);
    expect(clock.now()).toBe(1_250);
  });

  it('fires due timers in due order, each seeing its own due time as now', () => {
    const clock = new ManualClock(0);
    const fired: [string, number][] = [];
    clock.setTimer(() => fired.push(['c', clock.now()]), 30);
    clock.setTimer(() => fired.push(['a', clock.now()]), 10);
    clock.setTimer(() => fired.push(['b', clock.now()]), 20);
    clock.setTimer(() => fired.push(['late', clock.now()]), 31);
    clock.advance(30);
    expect(fired).toEqual([
      ['a', 10],
      ['b', 20],
      ['c', 30],
    ]);
    expect(clock.pendingTimers).toBe(1);
  });

  it('fires timers due at the same time in the order they were set', () => {
    const clock = new ManualClock(0);
    const fired: number[] = [];
    for (let i = 0; i < 5; i++) clock.setTimer(() => fired.push(i), 5);
    clock.advance(5);
    expect(fired).toEqual([0, 1, 2, 3, 4]);
  });

  it('fires timers that callbacks set within the advanced span', () => {
    const clock = new ManualClock(0);
    const ticks: number[] = [];
    const stop = every(clock, 100, () => ticks.push(clock.now()));
    clock.advance(450);
    expect(ticks).toEqual([100, 200, 300, 400]);
    stop();
    clock.advance(1_000);
    expect(ticks).toHaveLength(4);
    expect(clock.pendingTimers).toBe(0);
  });

  it('does not fire a cancelled timer', () => {
    const clock = new ManualClock(0);
    let fired = false;
    const cancel = clock.setTimer(() => (fired = true), 10);
    cancel();
    clock.advance(100);
    expect(fired).toBe(false);
  });

  it('treats a delay under 1 ms as 1 ms, like setTimeout, so a timer re-arming itself cannot spin forever', () => {
    const clock = new ManualClock(0);
    let count = 0;
    const rearm = (): void => {
      count++;
      clock.setTimer(rearm, 0);
    };
    clock.setTimer(rearm, 0);
    clock.advance(10);
    expect(count).toBe(10);
  });

  it('refuses to go backwards', () => {
    expect(() => new ManualClock(0).advance(-1)).toThrow(/advance/);
  });
});
