import { describe, expect, it } from 'vitest';
import { ReplayClock } from '../../server/replay/replay-clock';
import { ManualClock } from '../support/manual-clock';

const START = Date.UTC(2025, 2, 11, 15, 0);

describe('the replay clock', () => {
  it('runs at its speed times the real pace, firing its timers in order at their times', () => {
    const real = new ManualClock();
    const clock = new ReplayClock(START, 10, real);
    const fired: [string, number][] = [];
    clock.setTimer(() => fired.push(['b', clock.now()]), 5000);
    clock.setTimer(() => fired.push(['a', clock.now()]), 2000);
    const stop = clock.start();
    real.advance(400);
    // 400 real ms at 10x: 4 s of the recording, so only the 2 s timer.
    expect(fired).toEqual([['a', START + 2000]]);
    real.advance(200);
    expect(fired).toEqual([
      ['a', START + 2000],
      ['b', START + 5000],
    ]);
    expect(clock.now()).toBeGreaterThanOrEqual(START + 5000);
    stop();
    expect(real.pendingTimers).toBe(0);
  });

  it('stands still while paused and carries on at a new speed', () => {
    const real = new ManualClock();
    const clock = new ReplayClock(START, 1, real);
    const stop = clock.start();
    real.advance(1000);
    const at = clock.now();
    clock.pause();
    real.advance(5000);
    expect(clock.now()).toBe(at);
    clock.setSpeed(4);
    clock.play();
    real.advance(1000);
    expect(clock.now()).toBeGreaterThanOrEqual(at + 3900);
    expect(clock.now()).toBeLessThanOrEqual(at + 4100);
    stop();
  });

  it('jumps without firing, keeping each pending timer its delay', () => {
    const real = new ManualClock();
    const clock = new ReplayClock(START, 1, real);
    const fired: number[] = [];
    clock.setTimer(() => fired.push(clock.now()), 300);
    clock.jump(START - 60_000);
    expect(fired).toEqual([]);
    const stop = clock.start();
    real.advance(400);
    expect(fired).toEqual([START - 60_000 + 300]);
    stop();
  });

  it('plays from one timer to the next at once at speed 0', () => {
    const real = new ManualClock();
    const clock = new ReplayClock(START, 0, real);
    const fired: number[] = [];
    const again = (): void => {
      fired.push(clock.now());
      if (fired.length < 5) clock.setTimer(again, 3_600_000);
    };
    clock.setTimer(again, 3_600_000);
    const stop = clock.start();
    real.advance(1);
    expect(fired).toEqual([1, 2, 3, 4, 5].map((hours) => START + hours * 3_600_000));
    stop();
  });
});
