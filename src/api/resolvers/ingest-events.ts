import { canWrite } from '../../auth/principal';
import { AppError, ErrorCode } from '../../errors/codes';
import { ingest } from '../../ingest/pipeline';
import { stringifyJson } from '../../domain/json';
import type { InputItem } from '../../ingest/read';
import { warningList } from '../../ingest/warnings';
import { countIngest } from '../metrics';
import type { MutationResolvers } from '../generated/resolvers-types';
import { liveIngestHooks } from '../../live/feed';

/** Most events one mutation may carry; bulk loads belong on POST /ingest or the CLI. */
export const MAX_EVENTS_PER_MUTATION = 10_000;

export const ingestEvents: MutationResolvers['ingestEvents'] = async (_parent, args, ctx) => {
  if (args.events.length > MAX_EVENTS_PER_MUTATION) {
    throw new AppError(ErrorCode.LIMIT_EXCEEDED, `ingestEvents takes at most ${MAX_EVENTS_PER_MUTATION} events per call`, { max: MAX_EVENTS_PER_MUTATION });
  }
  if (!ctx.servesIngest) throw new AppError(ErrorCode.NOT_FOUND, 'ingestEvents is not served by this replica (ROLE=query); send it to one with ROLE=all or ingest');
  if (!canWrite(ctx.principal)) throw new AppError(ErrorCode.FORBIDDEN, `this key may read but not ingest (role ${ctx.principal.role})`);
  const errors: { index: number; reason: string }[] = [];
  const warnings = warningList();
  const summary = await ingest(asRecords(args.events as unknown[]), {
    executor: ctx.executor,
    batchSize: ctx.ingestBatchSize,
    lane: ctx.ingestLane,
    ...(ctx.principal.orgs ? { allowedOrgs: new Set(ctx.principal.orgs) } : {}),
    onReject: (r) => errors.push({ index: r.line, reason: r.reason }),
    onWarning: warnings.onWarning,
    ...liveIngestHooks(ctx.live),
  });
  countIngest(ctx.metrics, summary);
  return {
    accepted: summary.stored,
    duplicates: summary.duplicates,
    rejected: summary.rejected,
    errors,
    warnings: summary.warnings,
    fieldWarnings: warnings.list.map(({ line, field, reason }) => ({ index: line, field, reason })),
    detectionsAccepted: summary.detections,
    detectionDuplicates: summary.detectionDuplicates,
  };
};

/** The pipeline takes text; events already parsed by GraphQL go back to text losslessly (bigint-aware). */
async function* asRecords(events: unknown[]): AsyncIterable<InputItem> {
  for (const [index, event] of events.entries()) {
    yield { kind: 'record', source: 'ingestEvents', line: index, text: stringifyJson(event) };
  }
}
