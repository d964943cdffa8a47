/**
 * GraphQL over HTTP: the request handed to Apollo (`executeHTTPGraphQLRequest`, its integration
 * API) and Apollo's answer written back. A plain node:http handler rather than express middleware:
 * POST /graphql is the hot path, and express's routing, request decoration and res.send cost
 * 0.4-0.6 ms per request on this project's machine (an A/B run of both servers, docs/benchmarks.md)
 * for nothing this path uses.
 * Bodies are parsed with the lossless JSON parser, so a 64-bit integer inside an ingested event's
 * variables reaches the pipeline with every digit.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer, type BaseContext } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { AppError, ErrorCode } from '../../errors/codes';
import { parseJson } from '../../ingest/parse';
import { readRawBody } from './raw-body';

export type GraphqlHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** Whether a request line's target is the GraphQL endpoint, query string or not. */
export function isGraphqlPath(url: string | undefined): boolean {
  if (!url) return false;
  const q = url.indexOf('?');
  return (q === -1 ? url : url.slice(0, q)) === '/graphql';
}

export interface GraphqlHandlerOptions<P, T> {
  /** Who is calling, from the headers alone; throws (a GraphQLError with extensions.http.status, or an AppError) to refuse. */
  authenticate(req: IncomingMessage): Promise<P>;
  /** The resolvers' context for that caller. */
  context(principal: P): T;
  /** Largest body read. */
  maxBytes: number;
  /** Longest pause within the body before it is refused with 408. */
  bodyIdleMs: number;
}

export function graphqlHandler<P, T extends BaseContext>(apollo: ApolloServer<T>, options: GraphqlHandlerOptions<P, T>): GraphqlHandler {
  return async (req, res) => {
    let body: unknown;
    let context: () => Promise<T> = async () => options.context(await options.authenticate(req));
    if (req.method === 'POST') {
      // The key before the body: a caller without one is answered at once and its body never read,
      // so trickling a body without a key holds nothing (the connection is closed after the answer).
      let principal: P;
      try {
        principal = await options.authenticate(req);
      } catch (error) {
        const extensions = error instanceof GraphQLError ? error.extensions : {};
        const http = extensions['http'] as { status?: number } | undefined;
        const code = error instanceof AppError ? error.code : (extensions['code'] as string | undefined);
        res.setHeader('connection', 'close');
        // Anything without a code is ours, not the client's: no internals in the answer.
        if (!code) writeJson(res, 500, { errors: [{ message: 'internal error', extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } }] });
        else writeJson(res, http?.status ?? 401, { errors: [{ message: (error as Error).message, extensions: { code } }] });
        return;
      }
      const value = options.context(principal);
      context = () => Promise.resolve(value);
    }
    if (req.method === 'POST' && /json/i.test(req.headers['content-type'] ?? '')) {
      try {
        const parsed = parseJson((await readRawBody(req, options.maxBytes, { idleMs: options.bodyIdleMs })).toString('utf8'));
        if (!parsed.ok) throw new AppError(ErrorCode.BAD_USER_INPUT, `the request body is ${parsed.reason}`);
        body = parsed.value;
      } catch (error) {
        const app = error instanceof AppError ? error : new AppError(ErrorCode.BAD_USER_INPUT, 'unreadable request body');
        const status = app.code === ErrorCode.PAYLOAD_TOO_LARGE ? 413 : app.code === ErrorCode.REQUEST_TIMEOUT ? 408 : 400;
        if (!req.complete) res.setHeader('connection', 'close');
        writeJson(res, status, { errors: [{ message: app.message, extensions: { code: app.code } }] });
        return;
      }
    }
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    const url = req.url ?? '';
    const q = url.indexOf('?');
    try {
      const answer = await apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: (req.method ?? 'GET').toUpperCase(), headers, search: q === -1 ? '' : url.slice(q), body },
        context,
      });
      for (const [key, value] of answer.headers) res.setHeader(key, value);
      res.statusCode = answer.status ?? 200;
      if (answer.body.kind === 'complete') {
        res.end(answer.body.string);
        return;
      }
      for await (const chunk of answer.body.asyncIterator) res.write(chunk);
      res.end();
    } catch {
      // Apollo turns errors into answers itself; this is a failure while writing one.
      if (!res.headersSent) writeJson(res, 500, { errors: [{ message: 'internal error', extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } }] });
      else res.destroy();
    }
  };
}

function writeJson(res: ServerResponse, status: number, value: unknown): void {
  const text = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
