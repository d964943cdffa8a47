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
import { createYielder } from '../../ingest/cooperative';
import { ingest, type Reject } from '../../ingest/pipeline';
import { readBuffer } from '../../ingest/read';
import { warningList } from '../../ingest/warnings';
import type { WriteLane } from '../../ingest/write-lane';
import { verifySignature } from '../../ingest/signature';
import type { LiveFeed } from '../../live/feed';
import { liveIngestHooks } from '../../live/feed';
import type { Logger } from '../../log/logger';
import { sendError } from './errors';
import { countIngest, type Metrics } from '../metrics';
import { decodeBody, readRawBody } from './raw-body';

export interface IngestRouteOptions {
  executor: GraphExecutor;
  logger: Logger;
  secret: string | undefined;
  maxBytes: number;
  /** Most records in one body: more is refused whole (413 LIMIT_EXCEEDED) before anything is stored. */
  maxRecords: number;
  /** Longest record; a longer one is rejected alone, unparsed. */
  maxRecordBytes: number;
  /** Rejected records listed in the reply; the count covers them all. */
  maxErrorsListed: number;
  /** Longest pause within the body before it is refused with 408. */
  bodyIdleMs: number;
  batchSize: number;
  /** Shared with ingestEvents: the process's one queue of ingest write transactions. */
  lane: WriteLane;
  metrics?: Metrics;
  authenticator: Authenticator;
  /** Committed events are published here for eventAdded subscribers. */
  live?: LiveFeed;
}


export function ingestRouter(options: IngestRouteOptions): Router {
  const router = Router();
  router.post('/ingest', async (req: Request, res: Response) => {
    try {
      // The key first: an unauthenticated caller gets nothing read, parsed or stored.
      const principal = await options.authenticator.authenticate(req.header('authorization'));
      if (!canWrite(principal)) throw new AppError(ErrorCode.FORBIDDEN, `key ${principal.keyId ?? ''} may read but not ingest (role ${principal.role})`);
      const wire = await readRawBody(req, options.maxBytes, { idleMs: options.bodyIdleMs });
      if (options.secret && !verifySignature(options.secret, wire, req.header('lc-signature'))) {
        throw new AppError(ErrorCode.UNAUTHENTICATED, 'missing or wrong lc-signature (hex HMAC-SHA256 of the body)');
      }
      const body = extractEvents(await decodeBody(wire, req.header('content-encoding'), options.maxBytes), req.header('content-type'));
      if (body.length === 0) throw new AppError(ErrorCode.BAD_USER_INPUT, 'the body holds no events');
      await refuseOverCap(body, options.maxRecords, options.maxRecordBytes);
      const errors: Pick<Reject, 'line' | 'reason'>[] = [];
      const warnings = warningList();
      const summary = await ingest(readBuffer(body, 'request', { maxRecordBytes: options.maxRecordBytes }), {
        executor: options.executor,
        batchSize: options.batchSize,
        lane: options.lane,
        // A writer stores events of its own orgs only; the others are rejected one by one.
        ...(principal.orgs ? { allowedOrgs: new Set(principal.orgs) } : {}),
        onReject: (r) => {
          if (errors.length < options.maxErrorsListed) errors.push({ line: r.line, reason: r.reason });
        },
        onWarning: warnings.onWarning,
        ...liveIngestHooks(options.live),
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
      // A refusal before the body was read leaves it on the wire: close the connection rather than
      // read (and wait for) whatever the client still sends.
      if (!req.complete) res.setHeader('connection', 'close');
      sendError(res, app ?? new AppError(ErrorCode.INTERNAL_SERVER_ERROR, 'Internal server error'));
    }
  });
  return router;
}

/**
 * Refuses a body of more than maxRecords records whole, before any is parsed or stored, so the
 * client splits and resends it; counting stops at one over, so a body of millions (a 15 KB gzip
 * body inflates to five million lines) costs no more than one at the cap. The records are cut
 * again for the pipeline rather than kept: held for the whole request, 16 MB of them would be
 * copied by every young-generation collection on the way to the old one (longer GC pauses for
 * every other request), while cut twice they die young. Cutting gives the event loop a turn
 * between slices, as the pipeline does.
 */
async function refuseOverCap(body: Buffer, maxRecords: number, maxRecordBytes: number): Promise<void> {
  let count = 0;
  const yielder = createYielder();
  const reader = readBuffer(body, 'request', { maxRecordBytes });
  try {
    for await (const _item of reader) {
      count += 1;
      if (count > maxRecords) {
        throw new AppError(ErrorCode.PAYLOAD_TOO_LARGE, `the body holds more than ${maxRecords} records; send at most ${maxRecords} per request`, { max: maxRecords });
      }
      const pause = yielder.due();
      if (pause) await pause;
    }
  } finally {
    await reader.return();
  }
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
