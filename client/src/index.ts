/**
 * `@tickerboard/client`: a typed client of the tickerboard feed for Node and the browser. See docs/client.md.
 */
export { connect, SILENT_CLOSES_BEFORE_OUTDATED, TickerboardClient } from './client';
export type { ClientEvents, ConnectionState, ConnectOptions, Transport } from './client';
export { QuoteSubscription } from './quotes';
export type { LiveQuote, QuoteOptions, QuoteUpdate } from './quotes';
export { CandleSubscription } from './candles';
export type { CandleOptions, CandleUpdate } from './candles';
export type { StateChange, SubscriptionEvents, SubscriptionState } from './subscription';
export { TickerboardError } from './errors';
export type { ClientErrorCode } from './errors';
export {
  fetchCandles,
  fetchHistory,
  fetchHistoryBars,
  fetchInstruments,
  fetchQuotes,
  fetchSparklines,
  HISTORY_PAGE_BARS,
} from './http';
export type { CandlePage, HistoryRange, HttpOptions } from './http';
export { PROTOCOL_VERSION } from '../../lib/protocol';
export type { ApiBar, ApiQuote, ApiSparkline, QuotesResponse, SparklinesResponse } from '../../lib/protocol';
export { BAR_CSV_COLUMNS, barsToCsv } from '../../lib/csv';
export type { Instrument } from '../../lib/instrument';
export type { Interval } from '../../lib/intervals';
export { INTERVALS } from '../../lib/intervals';
export type { Bar } from '../../lib/candles';
export type { ChartBars } from '../../lib/chart-bars';
export type { Quote } from '../../lib/quote';
export { NO_PRICE } from '../../lib/quote';
export type { DecimalQuote } from '../../lib/decimals';
