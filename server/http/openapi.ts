import { z } from 'zod';
import { PROTOCOL_VERSION } from '../../lib/protocol';
import {
  candleQuery,
  candlesResponse,
  errorResponse,
  healthResponse,
  quoteQuery,
  quotesResponse,
  sparklinesResponse,
  symbolsResponse,
} from './schemas';

interface Answer {
  description: string;
  schema?: z.ZodType;
  /** Also answered as CSV (with `format=csv`). */
  csv?: boolean;
}

interface Route {
  path: string;
  summary: string;
  query?: z.ZodObject;
  answers: Record<number, Answer>;
}

const invalid: Answer = {
  description: 'A parameter is missing or bad; `parameter` names it.',
  schema: errorResponse,
};
const unknownSymbol: Answer = { description: 'A symbol is not traded here.', schema: errorResponse };

/** Every route of the HTTP API, with the schemas that validate its query and type its answers. */
export function routes(maxBars: number): Route[] {
  return [
    {
      path: '/healthz',
      summary: 'Health of the server, with its protocol version',
      answers: { 200: { description: 'The server is up.', schema: healthResponse } },
    },
    {
      path: '/api/symbols',
      summary: 'The instruments traded, with their tick and lot sizes',
      answers: { 200: { description: 'Every instrument.', schema: symbolsResponse } },
    },
    {
      path: '/api/quotes',
      summary: 'Current quotes of some symbols, in decimals',
      query: quoteQuery,
      answers: {
        200: { description: 'One quote per symbol asked, in that order.', schema: quotesResponse },
        400: invalid,
        404: unknownSymbol,
      },
    },
    {
      path: '/api/sparklines',
      summary: "Intraday series of some symbols for a quote board's sparklines, in decimals",
      query: quoteQuery,
      answers: {
        200: { description: 'One series per symbol asked, in that order.', schema: sparklinesResponse },
        400: invalid,
        404: unknownSymbol,
      },
    },
    {
      path: '/api/candles',
      summary: 'Bars of one symbol and interval, ascending, in decimals; page back with `before`',
      query: candleQuery(maxBars),
      answers: {
        200: {
          description: 'The bars (or, with `format=csv`, a CSV download).',
          schema: candlesResponse,
          csv: true,
        },
        400: invalid,
        404: unknownSymbol,
      },
    },
    {
      path: '/api/openapi.json',
      summary: 'This description',
      answers: { 200: { description: 'OpenAPI 3.1.' } },
    },
  ];
}

/** A zod schema as a JSON Schema for OpenAPI 3.1 (the document's dialect is 2020-12; no `$schema` inside). */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const generated: Record<string, unknown> = { ...z.toJSONSchema(schema, { io, unrepresentable: 'any' }) };
  delete generated.$schema;
  return generated;
}

function parameters(query: z.ZodObject): unknown[] {
  const schema = jsonSchema(query, 'input') as {
    properties?: Record<string, Record<string, unknown>>;
    required?: string[];
  };
  return Object.entries(schema.properties ?? {}).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name,
      in: 'query',
      required: schema.required?.includes(name) ?? false,
      ...(description === undefined ? {} : { description }),
      schema: rest,
    };
  });
}

function operation(route: Route): unknown {
  const responses: Record<string, unknown> = {};
  for (const [status, answer] of Object.entries(route.answers)) {
    const content: Record<string, unknown> = {};
    content['application/json'] = { schema: answer.schema ? jsonSchema(answer.schema, 'output') : {} };
    if (answer.csv) content['text/csv'] = { schema: { type: 'string' } };
    responses[status] = { description: answer.description, content };
  }
  const error = { 'application/json': { schema: jsonSchema(errorResponse, 'output') } };
  if (route.path.startsWith('/api/')) {
    responses['401'] = {
      description: 'With AUTH_SECRET set: no token, or a forged or expired one (`Authorization: Bearer`).',
      content: error,
    };
    responses['429'] = {
      description:
        'Too many requests (or bars) a second from this address; `Retry-After` says when to ask again.',
      headers: { 'retry-after': { schema: { type: 'integer' }, description: 'seconds' } },
      content: error,
    };
  }
  responses['500'] = { description: 'A server fault; logged on the server.', content: error };
  responses['405'] = {
    description: 'Only GET and HEAD are served.',
    content: { 'application/json': { schema: jsonSchema(errorResponse, 'output') } },
  };
  return {
    summary: route.summary,
    operationId: route.path
      .replace(/^\/(api\/)?/, '')
      .replace(/\W+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase()),
    ...(route.query ? { parameters: parameters(route.query) } : {}),
    // A bearer token when the server has AUTH_SECRET; none otherwise.
    ...(route.path.startsWith('/api/') ? { security: [{ bearer: [] }, {}] } : {}),
    responses,
  };
}

/** The OpenAPI 3.1 description of the HTTP API, generated from the schemas that validate it. */
export function openApiDocument(maxBars: number): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: {
      title: 'tickerboard HTTP API',
      version: String(PROTOCOL_VERSION),
      description:
        'Quotes, bars and instruments of the tickerboard feed. Live updates travel over Socket.IO: see docs/protocol.md and docs/asyncapi.yaml.',
    },
    paths: Object.fromEntries(routes(maxBars).map((route) => [route.path, { get: operation(route) }])),
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'HS256, minted with `npm run token` (only when the server sets AUTH_SECRET).',
        },
      },
    },
  };
}
