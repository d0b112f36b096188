import { decimalsOf, type AssetClass, type Instrument } from '../../lib/instrument';

/** An instrument with the parameters the simulator draws its prices, spreads, sizes and arrivals from. */
export interface SimulatedInstrument extends Instrument {
  /** Price the history ends at, in the quote currency. */
  referencePrice: number;
  /** Annualized volatility of the mid price. */
  volatility: number;
  /** Mean market events (trades and quote changes) per second. */
  eventsPerSecond: number;
  /** Usual bid/ask spread in ticks (at least one). */
  spreadTicks: number;
  /** Mean trade size in lots. */
  tradeLots: number;
}

type Row = [symbol: string, name: string, price: number, volatility: number, eventsPerSecond: number];

interface ClassDefaults {
  assetClass: AssetClass;
  currency: string;
  tickSize: (price: number) => number;
  lotSize: (price: number) => number;
  spreadTicks: (price: number) => number;
  /** Mean trade value in the quote currency. */
  tradeValue: number;
}

const equity: ClassDefaults = {
  assetClass: 'equity',
  currency: 'USD',
  tickSize: () => 0.01,
  lotSize: () => 1,
  spreadTicks: (price) => (price > 300 ? 3 : price > 100 ? 2 : 1),
  tradeValue: 25_000,
};

const crypto: ClassDefaults = {
  assetClass: 'crypto',
  currency: 'USD',
  tickSize: (price) => (price >= 10 ? 0.01 : price >= 1 ? 0.0001 : 0.00001),
  lotSize: (price) => (price >= 10_000 ? 0.00001 : price >= 100 ? 0.0001 : price >= 10 ? 0.001 : 0.1),
  spreadTicks: (price) => (price >= 10_000 ? 5 : 2),
  tradeValue: 4_000,
};

const fx: ClassDefaults = {
  assetClass: 'fx',
  currency: '',
  tickSize: (price) => (price >= 20 ? 0.001 : 0.00001),
  lotSize: () => 1000,
  spreadTicks: () => 3,
  tradeValue: 250_000,
};

const EQUITIES: Row[] = [
  ['AAPL', 'Apple Inc.', 232.5, 0.25, 5],
  ['MSFT', 'Microsoft Corp.', 421.3, 0.22, 4],
  ['NVDA', 'NVIDIA Corp.', 141.2, 0.5, 6],
  ['AMZN', 'Amazon.com Inc.', 201.4, 0.3, 4],
  ['GOOGL', 'Alphabet Inc. Class A', 171.9, 0.28, 4],
  ['META', 'Meta Platforms Inc.', 563.1, 0.35, 3.5],
  ['TSLA', 'Tesla Inc.', 338.7, 0.6, 6],
  ['BRK.B', 'Berkshire Hathaway Inc. Class B', 468.2, 0.15, 1.5],
  ['JPM', 'JPMorgan Chase & Co.', 242.6, 0.2, 2.5],
  ['V', 'Visa Inc. Class A', 308.4, 0.18, 2],
  ['UNH', 'UnitedHealth Group Inc.', 598.3, 0.25, 2],
  ['XOM', 'Exxon Mobil Corp.', 119.8, 0.22, 2.5],
  ['JNJ', 'Johnson & Johnson', 152.9, 0.15, 2],
  ['WMT', 'Walmart Inc.', 88.6, 0.17, 3],
  ['PG', 'Procter & Gamble Co.', 171.4, 0.14, 1.5],
  ['HD', 'Home Depot Inc.', 412.5, 0.2, 1.5],
  ['KO', 'Coca-Cola Co.', 63.2, 0.13, 2],
  ['COST', 'Costco Wholesale Corp.', 921.7, 0.2, 1],
  ['NFLX', 'Netflix Inc.', 867.4, 0.38, 2],
  ['AMD', 'Advanced Micro Devices Inc.', 138.5, 0.48, 4.5],
  ['INTC', 'Intel Corp.', 23.7, 0.45, 4],
  ['DIS', 'Walt Disney Co.', 113.9, 0.25, 2],
  ['SPY', 'SPDR S&P 500 ETF Trust', 593.6, 0.14, 6],
  ['QQQ', 'Invesco QQQ Trust', 508.9, 0.18, 5],
];

const CRYPTO: Row[] = [
  ['BTC-USD', 'Bitcoin', 97_250, 0.55, 7],
  ['ETH-USD', 'Ether', 3_380, 0.65, 6],
  ['SOL-USD', 'Solana', 241.6, 0.8, 4],
  ['XRP-USD', 'XRP', 1.4125, 0.85, 3.5],
  ['ADA-USD', 'Cardano', 0.9876, 0.85, 2.5],
  ['DOGE-USD', 'Dogecoin', 0.39874, 0.95, 3],
  ['AVAX-USD', 'Avalanche', 42.37, 0.85, 2],
  ['LINK-USD', 'Chainlink', 18.42, 0.8, 2],
  ['LTC-USD', 'Litecoin', 96.31, 0.7, 1.5],
  ['DOT-USD', 'Polkadot', 8.7312, 0.8, 1.5],
];

const FX: Row[] = [
  ['EURUSD', 'Euro / US Dollar', 1.05482, 0.07, 4],
  ['GBPUSD', 'British Pound / US Dollar', 1.26831, 0.08, 3.5],
  ['USDJPY', 'US Dollar / Japanese Yen', 154.312, 0.1, 3.5],
  ['USDCHF', 'US Dollar / Swiss Franc', 0.88412, 0.07, 2],
  ['AUDUSD', 'Australian Dollar / US Dollar', 0.65187, 0.09, 2.5],
  ['USDCAD', 'US Dollar / Canadian Dollar', 1.39574, 0.06, 2],
  ['NZDUSD', 'New Zealand Dollar / US Dollar', 0.58643, 0.1, 1.5],
  ['EURGBP', 'Euro / British Pound', 0.83164, 0.05, 1.5],
  ['EURJPY', 'Euro / Japanese Yen', 162.774, 0.09, 2],
];

function build(rows: readonly Row[], defaults: ClassDefaults): SimulatedInstrument[] {
  return rows.map(([symbol, name, referencePrice, volatility, eventsPerSecond]) => {
    const tickSize = defaults.tickSize(referencePrice);
    const lotSize = defaults.lotSize(referencePrice);
    return {
      symbol,
      name,
      assetClass: defaults.assetClass,
      tickSize,
      precision: decimalsOf(tickSize),
      lotSize,
      sizePrecision: decimalsOf(lotSize),
      // An FX pair is quoted in its second currency.
      currency: defaults.currency || symbol.slice(3),
      referencePrice,
      volatility,
      eventsPerSecond,
      spreadTicks: defaults.spreadTicks(referencePrice),
      tradeLots: Math.max(1, Math.round(defaults.tradeValue / referencePrice / lotSize)),
    };
  });
}

/** The instruments the simulator trades: US equities and ETFs, crypto against the dollar, and FX majors. */
export const CATALOGUE: readonly SimulatedInstrument[] = [
  ...build(EQUITIES, equity),
  ...build(CRYPTO, crypto),
  ...build(FX, fx),
];

/** The public part of an instrument, as GET /api/symbols serves it. */
export function publicInstrument(instrument: SimulatedInstrument): Instrument {
  const { symbol, name, assetClass, tickSize, precision, lotSize, sizePrecision, currency } = instrument;
  return { symbol, name, assetClass, tickSize, precision, lotSize, sizePrecision, currency };
}

/**
 * A universe of `count` made-up equities (`S0001`, `S0002`, …) all at `eventsPerSecond`, for load tests and
 * benchmarks that need more symbols than the real catalogue has. Prices spread from 5 to about 900.
 */
export function syntheticCatalogue(count: number, eventsPerSecond: number): SimulatedInstrument[] {
  const rows: Row[] = [];
  for (let i = 0; i < count; i++) {
    const symbol = `S${String(i + 1).padStart(4, '0')}`;
    const price = Number((5 * Math.exp((i * 5.2) / Math.max(1, count))).toFixed(2));
    rows.push([symbol, `Synthetic ${symbol}`, price, 0.2 + (i % 7) * 0.05, eventsPerSecond]);
  }
  return build(rows, equity);
}
