/** Per-request DataLoaders: N events asking for their parents (or children...) cost one round trip, not N. */
import DataLoader from 'dataloader';
import type { EventNode, EventReader, OrgScope } from '../graph/reader/events';
import type { LateralReader, PeerRequest, StartedPage, StartedRequest } from '../graph/reader/lateral';
import type { SearchReader, SensorNode } from '../graph/reader/search';
import type { NeighbourRequest, Page, TreeReader } from '../graph/reader/trees';

export interface Loaders {
  eventByUid: DataLoader<string, EventNode | null>;
  children: DataLoader<NeighbourRequest, Page, string>;
  targetedBy: DataLoader<NeighbourRequest, Page, string>;
  childTypeCounts: DataLoader<string, { eventType: string; count: number }[]>;
  sensorByUid: DataLoader<string, SensorNode | null>;
  /** A connection's report by the other host (the flow rule, src/graph/reader/flow.ts). */
  flowPeer: DataLoader<PeerRequest, EventNode | null, string>;
  /** What started on a lateral movement's destination. */
  startedThere: DataLoader<StartedRequest, StartedPage, string>;
}

const requestKey = (r: NeighbourRequest) => JSON.stringify([r.uid, r.types, r.first, r.after]);

/**
 * Each loader is made when a resolver first asks for it: most requests (an event, a page) use none
 * or one, and a context is made for every request.
 */
class LazyLoaders implements Loaders {
  private made: Partial<Loaders> = {};

  constructor(
    private readonly reader: EventReader,
    private readonly trees: TreeReader,
    private readonly search: SearchReader,
    private readonly lateral: LateralReader,
    private readonly orgScope: OrgScope,
  ) {}

  get eventByUid(): Loaders['eventByUid'] {
    return (this.made.eventByUid ??= new DataLoader((uids: readonly string[]) => this.reader.byUids(uids, this.orgScope), { maxBatchSize: 1000 }));
  }

  get children(): Loaders['children'] {
    return (this.made.children ??= new DataLoader((reqs: readonly NeighbourRequest[]) => this.trees.neighbours('PARENT', reqs, this.orgScope), { cacheKeyFn: requestKey, maxBatchSize: 500 }));
  }

  get targetedBy(): Loaders['targetedBy'] {
    return (this.made.targetedBy ??= new DataLoader((reqs: readonly NeighbourRequest[]) => this.trees.neighbours('TARGET', reqs, this.orgScope), { cacheKeyFn: requestKey, maxBatchSize: 500 }));
  }

  get childTypeCounts(): Loaders['childTypeCounts'] {
    return (this.made.childTypeCounts ??= new DataLoader((uids: readonly string[]) => this.trees.childTypeCounts(uids, this.orgScope), { maxBatchSize: 1000 }));
  }

  get sensorByUid(): Loaders['sensorByUid'] {
    return (this.made.sensorByUid ??= new DataLoader((uids: readonly string[]) => this.search.sensorsByUid(uids, this.orgScope), { maxBatchSize: 1000 }));
  }

  get flowPeer(): Loaders['flowPeer'] {
    return (this.made.flowPeer ??= new DataLoader((reqs: readonly PeerRequest[]) => this.lateral.peers(reqs, this.orgScope), { cacheKeyFn: (r) => `${r.uid}|${r.toleranceMs}`, maxBatchSize: 500 }));
  }

  get startedThere(): Loaders['startedThere'] {
    return (this.made.startedThere ??= new DataLoader((reqs: readonly StartedRequest[]) => this.lateral.startedThere(reqs, this.orgScope), {
      cacheKeyFn: (r) => JSON.stringify([r.scope.oid, r.scope.sid, r.scope.acceptingUid, String(r.scope.anchor), String(r.scope.lo), String(r.scope.hi), r.first, r.after]),
      maxBatchSize: 200,
    }));
  }
}

export function createLoaders(reader: EventReader, trees: TreeReader, search: SearchReader, lateral: LateralReader, orgScope: OrgScope): Loaders {
  return new LazyLoaders(reader, trees, search, lateral, orgScope);
}
