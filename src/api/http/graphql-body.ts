/**
 * Parses GraphQL request bodies with the lossless JSON parser, so a 64-bit integer inside an
 * ingested event's variables reaches the pipeline with every digit.
 */
import type { NextFunction, Request, Response } from 'express';
import { AppError, ErrorCode } from '../../errors/codes';
import { parseJson } from '../../ingest/parse';
import { readRawBody } from './raw-body';

export function losslessJsonBody(limit: number) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    if (req.method !== 'POST' || !/json/i.test(req.header('content-type') ?? '')) {
      // Nothing to parse (a GET carries its query in the URL), but Apollo's express integration
      // answers 500 unless a body parser has run: say so, and let Apollo judge the request.
      if (!Object.hasOwn(req, 'body')) req.body = undefined;
      return next();
    }
    try {
      const raw = await readRawBody(req, limit);
      const parsed = parseJson(raw.toString('utf8'));
      if (!parsed.ok) throw new AppError(ErrorCode.BAD_USER_INPUT, `the request body is ${parsed.reason}`);
      req.body = parsed.value;
      next();
    } catch (error) {
      const app = error instanceof AppError ? error : new AppError(ErrorCode.BAD_USER_INPUT, 'unreadable request body');
      res.status(app.code === ErrorCode.PAYLOAD_TOO_LARGE ? 413 : 400).json({ errors: [{ message: app.message, extensions: { code: app.code } }] });
    }
  };
}
