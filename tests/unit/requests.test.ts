import { describe, expect, it } from 'vitest';
import { limitsFor } from '../../server/feed-server';
import { configWith } from '../../server/config';
import { checkSize, parseRequest, RequestError, requestSchemas } from '../../server/socket/requests';

const schemas = requestSchemas(limitsFor(configWith({})));

function refusal(run: () => unknown) {
  try {
    run();
  } catch (error) {
    if (error instanceof RequestError) return error.toProtocol();
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('request validation', () => {
  it('accepts a well-formed subscribe and candle request', () => {
    expect(parseRequest(schemas.subscribe, { symbols: ['AAPL'] })).toEqual({ symbols: ['AAPL'] });
    expect(parseRequest(schemas.subscribeCandles, { symbol: 'AAPL', interval: '1m', limit: 10 })).toEqual({
      symbol: 'AAPL',
      interval: '1m',
      limit: 10,
    });
  });

  it.each([
    ['a string for symbols', { symbols: 'AAPL' }, /symbols/],
    ['no symbols', {}, /symbols/],
    ['an empty list', { symbols: [] }, /symbols/],
    ['a number', 42, /./],
    ['nothing', undefined, /./],
    ['an unexpected key', { symbols: ['AAPL'], extra: 1 }, /extra|unrecognized/i],
    ['a non-string symbol', { symbols: [1] }, /symbols\.0/],
  ])('refuses %s as INVALID_REQUEST, saying where', (_, payload, where) => {
    const error = refusal(() => parseRequest(schemas.subscribe, payload));
    expect(error.code).toBe('INVALID_REQUEST');
    expect(error.message).toMatch(where);
  });

  it('refuses a candle request for an unknown interval or too many bars', () => {
    expect(
      refusal(() => parseRequest(schemas.subscribeCandles, { symbol: 'AAPL', interval: '2m' })),
    ).toMatchObject({
      code: 'INVALID_REQUEST',
      message: expect.stringMatching(/interval/),
    });
    const tooMany = { symbol: 'AAPL', interval: '1m', limit: limitsFor(configWith({})).maxBars + 1 };
    expect(refusal(() => parseRequest(schemas.subscribeCandles, tooMany)).message).toMatch(/limit/);
  });

  it('refuses a request over the size limit as PAYLOAD_TOO_LARGE, naming both sizes', () => {
    expect(() => checkSize({ symbols: ['AAPL'] }, 4096)).not.toThrow();
    const error = refusal(() => checkSize({ junk: 'x'.repeat(5000) }, 4096));
    expect(error).toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
      message: expect.stringMatching(/5\d{3} bytes.*4096/),
    });
  });

  it('lists offending symbols in the protocol error only when there are some', () => {
    expect(new RequestError('UNKNOWN_SYMBOL', 'unknown', ['NOPE']).toProtocol()).toEqual({
      code: 'UNKNOWN_SYMBOL',
      message: 'unknown',
      symbols: ['NOPE'],
    });
    expect(new RequestError('RATE_LIMITED', 'slow down').toProtocol()).toEqual({
      code: 'RATE_LIMITED',
      message: 'slow down',
    });
  });
});

describe('keys that reach a prototype', () => {
  it.each([
    ['__proto__ at the top', '{"__proto__": {"symbols": ["AAPL"]}}'],
    ['__proto__ inside a list', '{"symbols": [{"__proto__": {}}]}'],
    ['constructor', '{"symbols": ["AAPL"], "constructor": {"prototype": {}}}'],
    ['prototype', '{"symbol": "AAPL", "interval": "1m", "prototype": 1}'],
  ])('are refused as INVALID_REQUEST before the schema: %s', (_, json) => {
    // JSON.parse makes `__proto__` an own key, as a decoder that does not refuse it would.
    const value: unknown = JSON.parse(json);
    expect(refusal(() => parseRequest(schemas.subscribe, value))).toEqual({
      code: 'INVALID_REQUEST',
      message: expect.stringMatching(/key not allowed: (__proto__|constructor|prototype)/),
    });
  });

  it('refuses an object that is not a plain one', () => {
    expect(refusal(() => parseRequest(schemas.subscribe, { symbols: [new Date(0)] }))).toMatchObject({
      code: 'INVALID_REQUEST',
    });
  });
});
