/** Per-request DataLoaders: N events asking for their parents (or children...) cost one round trip, not N. */
import DataLoader from 'dataloader';
import type { EventNode, EventReader, OrgScope } from '../graph/reader/events';
import type { SearchReader, SensorNode } from '../graph/reader/search';
import type { NeighbourRequest, Page, TreeReader } from '../graph/reader/trees';

export interface Loaders {
  eventByUid: DataLoader<string, EventNode | null>;
  children: DataLoader<NeighbourRequest, Page, string>;
  targetedBy: DataLoader<NeighbourRequest, Page, string>;
  childTypeCounts: DataLoader<string, { eventType: string; count: number }[]>;
  sensorByUid: DataLoader<string, SensorNode | null>;
}

const requestKey = (r: NeighbourRequest) => JSON.stringify([r.uid, r.types, r.first, r.after]);

export function createLoaders(reader: EventReader, trees: TreeReader, search: SearchReader, orgScope: OrgScope): Loaders {
  return {
    eventByUid: new DataLoader((uids: readonly string[]) => reader.byUids(uids, orgScope), { maxBatchSize: 1000 }),
    children: new DataLoader((reqs: readonly NeighbourRequest[]) => trees.neighbours('PARENT', reqs, orgScope), { cacheKeyFn: requestKey, maxBatchSize: 500 }),
    targetedBy: new DataLoader((reqs: readonly NeighbourRequest[]) => trees.neighbours('TARGET', reqs, orgScope), { cacheKeyFn: requestKey, maxBatchSize: 500 }),
    childTypeCounts: new DataLoader((uids: readonly string[]) => trees.childTypeCounts(uids, orgScope), { maxBatchSize: 1000 }),
    sensorByUid: new DataLoader((uids: readonly string[]) => search.sensorsByUid(uids, orgScope), { maxBatchSize: 1000 }),
  };
}
