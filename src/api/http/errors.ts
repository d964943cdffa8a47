/**
 * Refusals outside GraphQL (POST /ingest, /metrics, a /graphql body that cannot be read) in the
 * shape GraphQL answers use, so a client parses one shape everywhere:
 * `{"errors": [{"message": "...", "extensions": {"code": "...", ...details}}]}`, with the status of
 * the code (httpStatusOf).
 */
import type { ServerResponse } from 'node:http';
import { type AppError, httpStatusOf } from '../../errors/codes';

export function errorBody(error: AppError): { errors: { message: string; extensions: Record<string, unknown> }[] } {
  return { errors: [{ message: error.message, extensions: { code: error.code, ...(error.details ?? {}) } }] };
}

export function sendError(res: ServerResponse, error: AppError): void {
  const text = JSON.stringify(errorBody(error));
  res.writeHead(httpStatusOf(error.code), { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
