/** Liveness (the process answers) and readiness (Neo4j answers) for orchestrators and load balancers. */
import { Router } from 'express';
import { ErrorCode, httpStatusOf } from '../../errors/codes';
import type { GraphExecutor } from '../../graph/executor';
import { ping } from '../../graph/reader/system';
import type { Logger } from '../../log/logger';

export function healthRouter(executor: GraphExecutor, logger: Logger): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.status(200).json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    try {
      await ping(executor);
      res.status(200).json({ status: 'ready', neo4j: 'reachable' });
    } catch (error) {
      logger.warn({ err: error }, 'readiness check failed: Neo4j unreachable');
      res.status(httpStatusOf(ErrorCode.DATABASE_UNAVAILABLE)).json({ status: 'unavailable', neo4j: 'unreachable', code: ErrorCode.DATABASE_UNAVAILABLE });
    }
  });
  return router;
}
