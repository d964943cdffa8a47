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
import { parseJson } from '../../domain/json';
import { sendError } from './errors';
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
        const code = error instanceof AppError ? error.code : (extensions['code'] as ErrorCode | undefined);
        res.setHeader('connection', 'close');
        // Anything without a code is ours, not the client's: no internals in the answer.
        sendError(res, code ? new AppError(code, (error as Error).message) : new AppError(ErrorCode.INTERNAL_SERVER_ERROR, 'internal error'));
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
        // A refusal before the body was read leaves it on the wire: close rather than wait for the rest.
        if (!req.complete) res.setHeader('connection', 'close');
        sendError(res, error instanceof AppError ? error : new AppError(ErrorCode.BAD_USER_INPUT, 'unreadable request body'));
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
      if (!res.headersSent) sendError(res, new AppError(ErrorCode.INTERNAL_SERVER_ERROR, 'internal error'));
      else res.destroy();
    }
  };
}
