/**
 * POST /ingest for LimaCharlie Outputs: `webhook` (one JSON event per request, as the raw body or
 * the form field `data`) and `webhook_bulk` (newline-delimited events, gzip allowed). Replies 200
 * only after every batch is committed, with counts, the errors of the lines it rejected and the
 * warnings about body values that did not fit (their events were stored).
 */
import type { Request, Response } from 'express';
import { Router } from 'express';
import { type Authenticator, canWrite } from '../../auth/principal';
import { AppError, ErrorCode } from '../../errors/codes';
import type { GraphExecutor } from '../../graph/executor';
import { ingest, type Reject } from '../../ingest/pipeline';
import { readBuffer } from '../../ingest/read';
import { warningList } from '../../ingest/warnings';
import { verifySignature } from '../../ingest/signature';
import type { LiveFeed } from '../../live/feed';
import { publishDetections } from '../resolvers/detections';
import type { Logger } from '../../log/logger';
import { sendError } from './errors';
import { countIngest, type Metrics } from '../metrics';
import { decodeBody, readRawBody } from './raw-body';

export interface IngestRouteOptions {
  executor: GraphExecutor;
  logger: Logger;
  secret: string | undefined;
  maxBytes: number;
  batchSize: number;
  metrics?: Metrics;
  authenticator: Authenticator;
  /** Committed events are published here for eventAdded subscribers. */
  live?: LiveFeed;
}

/** At most this many per-line errors in a reply; the count says how many there were. */
const MAX_ERRORS_IN_REPLY = 1000;

export function ingestRouter(options: IngestRouteOptions): Router {
  const router = Router();
  router.post('/ingest', async (req: Request, res: Response) => {
    try {
      // The key first: an unauthenticated caller gets nothing read, parsed or stored.
      const principal = await options.authenticator.authenticate(req.header('authorization'));
      if (!canWrite(principal)) throw new AppError(ErrorCode.FORBIDDEN, `key ${principal.keyId ?? ''} may read but not ingest (role ${principal.role})`);
      const wire = await readRawBody(req, options.maxBytes);
      if (options.secret && !verifySignature(options.secret, wire, req.header('lc-signature'))) {
        throw new AppError(ErrorCode.UNAUTHENTICATED, 'missing or wrong lc-signature (hex HMAC-SHA256 of the body)');
      }
      const body = extractEvents(decodeBody(wire, req.header('content-encoding'), options.maxBytes), req.header('content-type'));
      if (body.length === 0) throw new AppError(ErrorCode.BAD_USER_INPUT, 'the body holds no events');
      const errors: Pick<Reject, 'line' | 'reason'>[] = [];
      const warnings = warningList();
      const summary = await ingest(readBuffer(body, 'request'), {
        executor: options.executor,
        batchSize: options.batchSize,
        // A writer stores events of its own orgs only; the others are rejected one by one.
        ...(principal.orgs ? { allowedOrgs: new Set(principal.orgs) } : {}),
        onReject: (r) => {
          if (errors.length < MAX_ERRORS_IN_REPLY) errors.push({ line: r.line, reason: r.reason });
        },
        onWarning: warnings.onWarning,
        ...(options.live ? { onCommitted: options.live.publish.bind(options.live), onDetectionsCommitted: publishDetections(options) } : {}),
      });
      countIngest(options.metrics, summary);
      res.status(200).json({
        accepted: summary.stored,
        duplicates: summary.duplicates,
        rejected: summary.rejected,
        detectionsAccepted: summary.detections,
        detectionDuplicates: summary.detectionDuplicates,
        errors,
        // Events stored although a body value did not fit the catalogue (it is kept in raw only).
        warnings: summary.warnings,
        fieldWarnings: warnings.list,
      });
    } catch (error) {
      const app = error instanceof AppError ? error : null;
      if (!app) options.logger.error({ err: error }, 'ingest request failed');
      sendError(res, app ?? new AppError(ErrorCode.INTERNAL_SERVER_ERROR, 'Internal server error'));
    }
  });
  return router;
}

/** The form field `data` of a urlencoded webhook body, or the body itself. */
function extractEvents(body: Buffer, contentType: string | undefined): Buffer {
  if (/application\/x-www-form-urlencoded/i.test(contentType ?? '')) {
    const data = new URLSearchParams(body.toString('utf8')).get('data');
    if (data === null) throw new AppError(ErrorCode.BAD_USER_INPUT, 'a form body must carry the events in the field "data"');
    return Buffer.from(data, 'utf8');
  }
  return body;
}
