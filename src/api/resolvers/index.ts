/** The resolver map: one small file per root field, assembled here. */
import type { Resolvers } from '../generated/resolvers-types';
import { JSONScalar } from '../scalars/json';
import { ingestEvents } from './ingest-events';
import { version } from './version';

export const resolvers: Resolvers = {
  JSON: JSONScalar,
  Query: { version },
  Mutation: { ingestEvents },
};
