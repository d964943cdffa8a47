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
import { AppError, ErrorCode } from '../../errors/codes';
import { parseJson } from '../../ingest/parse';
import { sendError } from './errors';
import { readRawBody } from './raw-body';

export type GraphqlHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** Whether a request line's target is the GraphQL endpoint, query string or not. */
export function isGraphqlPath(url: string | undefined): boolean {
  if (!url) return false;
  const q = url.indexOf('?');
  return (q === -1 ? url : url.slice(0, q)) === '/graphql';
}

export function graphqlHandler<T extends BaseContext>(apollo: ApolloServer<T>, context: (req: IncomingMessage) => Promise<T>, maxBytes: number): GraphqlHandler {
  return async (req, res) => {
    let body: unknown;
    if (req.method === 'POST' && /json/i.test(req.headers['content-type'] ?? '')) {
      try {
        const parsed = parseJson((await readRawBody(req, maxBytes)).toString('utf8'));
        if (!parsed.ok) throw new AppError(ErrorCode.BAD_USER_INPUT, `the request body is ${parsed.reason}`);
        body = parsed.value;
      } catch (error) {
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
        context: () => context(req),
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
