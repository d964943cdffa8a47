/** Per-request DataLoaders: N events asking for their parents cost one round trip, not N. */
import DataLoader from 'dataloader';
import type { EventNode, EventReader, OrgScope } from '../graph/reader/events';

export interface Loaders {
  eventByUid: DataLoader<string, EventNode | null>;
}

export function createLoaders(reader: EventReader, orgScope: OrgScope): Loaders {
  return {
    eventByUid: new DataLoader((uids: readonly string[]) => reader.byUids(uids, orgScope), { maxBatchSize: 1000 }),
  };
}
