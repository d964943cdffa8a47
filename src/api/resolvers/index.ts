/** The resolver map: one small file per root field, assembled here. */
import type { Resolvers } from '../generated/resolvers-types';
import { version } from './version';

export const resolvers: Resolvers = {
  Query: { version },
};
