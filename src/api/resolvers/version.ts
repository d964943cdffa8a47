import { readDatabaseInfo } from '../../graph/reader/system';
import type { QueryResolvers } from '../generated/resolvers-types';

export const version: QueryResolvers['version'] = async (_parent, _args, ctx) => {
  const db = await readDatabaseInfo(ctx.executor);
  return { server: ctx.serverVersion, neo4j: db.version, neo4jEdition: db.edition };
};
