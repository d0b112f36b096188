import type { Bar } from '../../lib/candles';
import { sessionAt, type SessionPhase } from '../../lib/calendar/sessions';
import { wallTime } from '../../lib/calendar/zone-time';
import type { Lots, Ticks, UnixMillis, UnixSeconds } from '../../lib/nominal';
import { hashSeed } from '../../lib/rng';
import type { SimulatedInstrument } from './catalogue';
import type { QuoteEvent, TradeEvent } from './price-source';

/**
 * The simulated market as a pure function of (seed, symbol, time): the same seed gives the same bars and trades
 * at any moment, whenever and wherever they are computed, so history survives a restart and the live stream
 * continues it.
 *
 * Three levels, each drawn from hashes of its own index and made to add up exactly to the level above:
 * - a 15-minute **block** opens and closes on a random walk of the log price at 15-minute steps from a fixed
 *   epoch (a Brownian motion evaluated by dyadic Brownian bridges, so any step costs about 21 hashes), with a
 *   high, a low and a volume that follow the session (thin pre- and post-market, U-shaped in the regular session,
 *   nothing while closed);
 * - its fifteen **minutes** run a bridge from the block's open to its close inside its high and low, one of them
 *   reaching each, the volume split among them;
 * - each minute's **trades** (and quote changes between them) open at the minute's open, close at its close,
 *   touch its high and low and add up to its volume.
 * A bar of any interval is therefore the same whether it is aggregated from live trades or from history blocks.
 * Sessions are 15-minute aligned in New York time, so every block lies in one phase.
 */

export const BLOCK_MS = 15 * 60_000;
export const MINUTE_MS = 60_000;
export const MINUTES_PER_BLOCK = 15;
/** Block 0 starts here; the walk spans 2^LEVELS blocks (about 60 years). */
export const EPOCH = Date.UTC(2000, 0, 1);
const LEVELS = 21;
/** The walk passes each instrument's reference price at the start of 2025. */
const ANCHOR_BLOCK = Math.floor((Date.UTC(2025, 0, 1) - EPOCH) / BLOCK_MS);
const YEAR_MS = 365.25 * 86_400_000;
/** Share of market events that are trades; the rest move the bid or ask only. */
const TRADE_SHARE = 0.6;
/** Activity outside the regular session, against the regular session's mean. */
const EXTENDED_ACTIVITY = 0.08;
/** Fewest lots in a minute: enough for one trade at each of its open, high, low and close. */
const MINUTE_MIN_LOTS = 4;
/** Most trades drawn in one minute. */
const MAX_MINUTE_TRADES = 900;

/** A 32-bit integer hash with good avalanche (the "lowbias32" mixer). */
function mix(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/**
 * A uniform number in (0, 1) from a key, a stream (what the number is for), an index (a block or a minute, below
 * 2^32) and a sub-index (a trade of that minute).
 */
function uniform(key: number, stream: number, index: number, sub = 0): number {
  let h = mix(key ^ 0x9e3779b9);
  h = mix(h ^ stream);
  h = mix((h + index) >>> 0);
  h = mix(h ^ Math.imul(sub + 1, 0x85ebca6b));
  return (h + 0.5) / 4294967296;
}

/** A standard normal number, keyed as `uniform` (Box-Muller). */
function gaussian(key: number, stream: number, index: number, sub = 0): number {
  const u = uniform(key, stream, index, 2 * sub);
  const v = uniform(key, stream, index, 2 * sub + 1);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/**
 * A standard Brownian motion at integer steps 0 … 2^LEVELS, each value drawn from its dyadic parents only, so that
 * any step is computed without the others. Keeps its last descent: nearby steps share most of it.
 */
class DyadicWalk {
  private readonly key: number;
  private readonly lo = new Float64Array(LEVELS + 1);
  private readonly hi = new Float64Array(LEVELS + 1);
  private readonly wLo = new Float64Array(LEVELS + 1);
  private readonly wHi = new Float64Array(LEVELS + 1);
  private depth = 0;

  constructor(key: number) {
    this.key = key;
    const span = 2 ** LEVELS;
    this.hi[0] = span;
    this.wHi[0] = Math.sqrt(span) * gaussian(key, 0, span);
  }

  at(step: number): number {
    let level = this.depth;
    while (level > 0 && !((this.lo[level] as number) <= step && step <= (this.hi[level] as number))) level--;
    for (;;) {
      const lo = this.lo[level] as number;
      const hi = this.hi[level] as number;
      if (step === lo) return this.wLo[level] as number;
      if (step === hi) return this.wHi[level] as number;
      const mid = (lo + hi) / 2;
      const wLo = this.wLo[level] as number;
      const wHi = this.wHi[level] as number;
      // Each integer is the midpoint of exactly one dyadic interval: it keys its own draw.
      const wMid = (wLo + wHi) / 2 + Math.sqrt((hi - lo) / 4) * gaussian(this.key, 1, mid);
      level++;
      if (step < mid) {
        this.lo[level] = lo;
        this.hi[level] = mid;
        this.wLo[level] = wLo;
        this.wHi[level] = wMid;
      } else {
        this.lo[level] = mid;
        this.hi[level] = hi;
        this.wLo[level] = wMid;
        this.wHi[level] = wHi;
      }
      this.depth = level;
    }
  }
}

export interface PathBar {
  open: Ticks;
  high: Ticks;
  low: Ticks;
  close: Ticks;
  volume: Lots;
}

/** One instrument's simulated market. */
export class MarketPath {
  readonly instrument: SimulatedInstrument;
  private readonly key: number;
  private readonly walk: DyadicWalk;
  private readonly blockSigma: number;
  private readonly anchor: number;
  private readonly floor: number;

  constructor(seed: number, instrument: SimulatedInstrument) {
    this.instrument = instrument;
    this.key = hashSeed(seed, instrument.symbol);
    this.walk = new DyadicWalk(this.key);
    this.blockSigma = instrument.volatility * Math.sqrt(BLOCK_MS / YEAR_MS);
    this.anchor = this.walk.at(ANCHOR_BLOCK);
    this.floor = instrument.spreadTicks + 1;
  }

  /** The mid price in ticks at the start of block `k`. */
  private priceAt(k: number): number {
    const { referencePrice, tickSize } = this.instrument;
    const log = Math.log(referencePrice / tickSize) + this.blockSigma * (this.walk.at(k) - this.anchor);
    return Math.max(this.floor, Math.round(Math.exp(log)));
  }

  /** The session phase of block `k` (every block lies in one). */
  phaseOf(k: number): SessionPhase {
    return sessionAt(this.instrument.assetClass, (EPOCH + k * BLOCK_MS) as UnixMillis).phase;
  }

  /** How busy block `k` is against the mean of a regular session. */
  private activity(k: number, phase: SessionPhase): number {
    if (phase === 'closed') return 0;
    if (this.instrument.assetClass !== 'equity') return 1;
    if (phase !== 'regular') return EXTENDED_ACTIVITY;
    // A U across the regular session: busiest at the open and the close (mean 1 over a full day).
    const minutes = wallTime('America/New_York', (EPOCH + k * BLOCK_MS + BLOCK_MS / 2) as UnixMillis).minutes;
    const x = Math.min(1, Math.max(0, (minutes - 570) / 390));
    return (0.6 + 2.4 * (2 * x - 1) ** 2) / 1.4;
  }

  /** Block `k`'s bar, or undefined when the market is closed then; `phase` when the caller knows it already. */
  block(k: number, phase: SessionPhase = this.phaseOf(k)): PathBar | undefined {
    if (phase === 'closed') return undefined;
    const open = this.priceAt(k);
    const close = this.priceAt(k + 1);
    const excursion = open * this.blockSigma * 0.5;
    const high = Math.max(open, close) + Math.round(Math.abs(gaussian(this.key, 2, k)) * excursion);
    const low = Math.max(
      1,
      Math.min(open, close) - Math.round(Math.abs(gaussian(this.key, 3, k)) * excursion),
    );
    const { eventsPerSecond, tradeLots } = this.instrument;
    const trades = eventsPerSecond * TRADE_SHARE * (BLOCK_MS / 1000) * this.activity(k, phase);
    const noise = Math.exp(0.35 * gaussian(this.key, 4, k) - 0.06);
    const volume = Math.max(MINUTES_PER_BLOCK * MINUTE_MIN_LOTS, Math.round(trades * tradeLots * noise));
    return {
      open: open as Ticks,
      high: high as Ticks,
      low: low as Ticks,
      close: close as Ticks,
      volume: volume as Lots,
    };
  }

  /** The fifteen minute bars of block `k`, in order: they open at its open, close at its close, and sum to it. */
  minutes(k: number, block: PathBar): PathBar[] {
    const { open, close, high, low, volume } = block;
    const n = MINUTES_PER_BLOCK;
    const scale = Math.max(1, (high - low) / 4);
    // A discrete Brownian bridge from open to close, kept inside the block's range.
    const walk: number[] = [0];
    for (let i = 1; i <= n; i++) walk.push((walk[i - 1] as number) + gaussian(this.key, 5, k, i));
    const end = walk[n] as number;
    const bounds: number[] = [];
    for (let i = 0; i <= n; i++) {
      const line = open + ((close - open) * i) / n;
      const point =
        i === 0
          ? open
          : i === n
            ? close
            : Math.round(line + ((walk[i] as number) - (end * i) / n) * scale * 0.35);
      bounds.push(Math.min(high, Math.max(low, point)));
    }
    const atHigh = Math.floor(uniform(this.key, 6, k) * n);
    const atLow = Math.floor(uniform(this.key, 7, k) * n);
    const weights: number[] = [];
    for (let i = 0; i < n; i++) weights.push(Math.exp(0.4 * gaussian(this.key, 8, k, i)));
    const volumes = split(volume, weights, MINUTE_MIN_LOTS);
    const bars: PathBar[] = [];
    for (let i = 0; i < n; i++) {
      const o = bounds[i] as number;
      const c = bounds[i + 1] as number;
      const wiggle = scale * 0.3;
      const h =
        i === atHigh
          ? high
          : Math.min(high, Math.max(o, c) + Math.round(Math.abs(gaussian(this.key, 9, k, i)) * wiggle));
      const l =
        i === atLow
          ? low
          : Math.max(low, Math.min(o, c) - Math.round(Math.abs(gaussian(this.key, 10, k, i)) * wiggle));
      bars.push({
        open: o as Ticks,
        high: h as Ticks,
        low: l as Ticks,
        close: c as Ticks,
        volume: volumes[i] as Lots,
      });
    }
    return bars;
  }

  /**
   * The events of minute `m` (minute bar `bar`), in time order: trades that open at its open, close at its
   * close, reach its high and low and sum to its volume, with quote changes between them.
   */
  events(m: number, bar: PathBar): (TradeEvent | QuoteEvent)[] {
    const { symbol, tradeLots, spreadTicks } = this.instrument;
    const { open, close, high, low, volume } = bar;
    const needHigh = high > Math.max(open, close);
    const needLow = low < Math.min(open, close);
    const need = open === close && !needHigh && !needLow ? 1 : 2 + Number(needHigh) + Number(needLow);
    const drawn = Math.round((volume / tradeLots) * Math.exp(0.3 * gaussian(this.key, 11, m)));
    const count = Math.max(need, Math.min(drawn, volume, MAX_MINUTE_TRADES));

    const prices: number[] = [];
    let price = open as number;
    const step = Math.max(1, (high - low) / Math.sqrt(count + 1) / 2);
    for (let i = 0; i < count; i++) {
      if (i === 0) price = open;
      else if (i === count - 1) price = close;
      else {
        // Drift toward the close so the last step is not a jump.
        const pull = (close - price) / (count - i);
        price = Math.min(high, Math.max(low, Math.round(price + pull + gaussian(this.key, 12, m, i) * step)));
      }
      prices.push(price);
    }
    if (count >= 3) {
      const inner = count - 2;
      const hi = 1 + Math.floor(uniform(this.key, 13, m) * inner);
      let lo = 1 + Math.floor(uniform(this.key, 14, m) * inner);
      if (needHigh) prices[hi] = high;
      if (needLow) {
        if (needHigh && lo === hi) lo = hi === count - 2 ? 1 : hi + 1;
        prices[lo] = low;
      }
    }
    const weights: number[] = [];
    for (let i = 0; i < count; i++) weights.push(Math.exp(gaussian(this.key, 15, m, i) - 0.5));
    const sizes = split(volume, weights, 1);

    const start = EPOCH + m * MINUTE_MS;
    const slot = MINUTE_MS / count;
    const events: (TradeEvent | QuoteEvent)[] = [];
    let previous = open as number;
    for (let i = 0; i < count; i++) {
      const time = Math.floor(start + slot * (i + uniform(this.key, 16, m, i) * 0.98));
      const p = prices[i] as number;
      const spread = spreadTicks + (uniform(this.key, 17, m, i) < 0.15 ? 1 : 0);
      const buy = p > previous || (p === previous && uniform(this.key, 18, m, i) < 0.5);
      const takesAsk = buy && p - spread >= 1;
      const bid = takesAsk ? p - spread : p;
      const ask = takesAsk ? p : p + spread;
      events.push({
        type: 'trade',
        symbol,
        time: time as UnixMillis,
        price: p as Ticks,
        size: sizes[i] as Lots,
        bid: bid as Ticks,
        ask: ask as Ticks,
      });
      previous = p;
      // Quote changes between trades, as many as the trade share implies on average.
      const gapEnd = i === count - 1 ? start + MINUTE_MS : Math.floor(start + slot * (i + 1));
      if (gapEnd - time >= 2 && uniform(this.key, 19, m, i) < (1 - TRADE_SHARE) / TRADE_SHARE) {
        const shift = Math.floor(uniform(this.key, 20, m, i) * 3) - 1;
        const quoteBid = Math.max(1, bid + shift);
        events.push({
          type: 'quote',
          symbol,
          time: (time + 1 + Math.floor(uniform(this.key, 21, m, i) * (gapEnd - time - 1))) as UnixMillis,
          bid: quoteBid as Ticks,
          ask: Math.max(quoteBid + 1, ask + shift) as Ticks,
        });
      }
    }
    return events;
  }

  /** The minute bars of block `k` with their first minute's index, or undefined while closed. */
  minutesOfBlock(k: number): PathBar[] | undefined {
    const block = this.block(k);
    return block && this.minutes(k, block);
  }
}

/** Splits `total` into one whole share per weight, each at least `min`, summing to `total` exactly. */
function split(total: number, weights: readonly number[], min: number): number[] {
  const rest = total - min * weights.length;
  const sum = weights.reduce((a, b) => a + b, 0);
  const shares = weights.map((w) => min + Math.floor((rest * w) / sum));
  let left = total - shares.reduce((a, b) => a + b, 0);
  for (let i = 0; left > 0; i = (i + 1) % shares.length, left--) shares[i] = (shares[i] as number) + 1;
  return shares;
}

/** A bar as four trades inside its bucket (open first, close last), for aggregating into coarser bars. */
export function barAsTrades(bar: PathBar, start: number, length: number): TradeLike[] {
  return [
    { time: start as UnixMillis, price: bar.open, size: 0 as Lots },
    { time: (start + 1) as UnixMillis, price: bar.high, size: 0 as Lots },
    { time: (start + 2) as UnixMillis, price: bar.low, size: 0 as Lots },
    { time: (start + length - 1) as UnixMillis, price: bar.close, size: bar.volume },
  ];
}

export interface TradeLike {
  time: UnixMillis;
  price: Ticks;
  size: Lots;
}

/** The bar a `PathBar` makes at bucket `time`. */
export function toBarAt(bar: PathBar, time: UnixSeconds): Bar {
  return { time, ...bar };
}

export const blockOf = (time: number) => Math.floor((time - EPOCH) / BLOCK_MS);
export const minuteOf = (time: number) => Math.floor((time - EPOCH) / MINUTE_MS);
