import { buildSchema, parse } from 'graphql';
import { getComplexity } from 'graphql-query-complexity';
import { traversalEstimator } from '../../src/api/limits/cost';
import { loadTypeDefs } from '../../src/api/schema/load';

const schema = buildSchema(loadTypeDefs());
const cost = (query: string, variables: Record<string, unknown> = {}) =>
  getComplexity({ schema, query: parse(query), variables, estimators: [traversalEstimator({ maxPage: 500, maxDepth: 256 })] });

describe('query cost model', () => {
  it('charges a page by its size and a connection node list once', () => {
    // events: 1 + 50 (the default first) x its selection: totalCount 1 + nodes (1 + atom 1)
    expect(cost('{ events { totalCount nodes { atom } } }')).toBe(1 + 50 * (1 + 2));
    expect(cost('query($n: Int) { events(first: $n) { nodes { atom } } }', { n: 200 })).toBe(1 + 200 * 2);
  });

  it('charges ancestry by maxDepth and a tree page by first plus the first x maxDepth walk', () => {
    expect(cost('{ ancestors(atom: "a", maxDepth: 20) { atom } }')).toBe(1 + 20 * 1);
    expect(cost('{ descendants(atom: "a", first: 100, maxDepth: 10) { nodes { atom } } }')).toBe(1 + 100 * 2 + 100 * 10);
  });

  it('multiplies through nesting', () => {
    const nested = cost('{ events(first: 10) { nodes { children(first: 10) { nodes { atom } } } } }');
    expect(nested).toBe(1 + 10 * (1 + (1 + 10 * 2)));
  });

  it('charges the detection fields by their pages and walks, like the event fields', () => {
    // detections: 1 + 50 x (nodes 1 + id 1 + event (1 + ancestors (1 + 20 x atom 1)))
    expect(cost('{ detections { nodes { id event { ancestors(maxDepth: 20) { atom } } } } }')).toBe(1 + 50 * (1 + 1 + (1 + (1 + 20 * 1))));
    // Event.detections is a list with a size: 1 + first x its selection.
    expect(cost('{ event(atom: "a") { detections(first: 30) { id } } }')).toBe(1 + (1 + 30 * 1));
    expect(cost('{ sensors(first: 10) { nodes { detections(first: 40) { nodes { id } } } } }')).toBe(1 + 10 * (1 + (1 + 40 * 2)));
    expect(cost('{ detectionCounts(groupBy: RULE, limit: 70) { key count } }')).toBe(1 + 70 * 2);
    expect(cost('{ detection(id: "d") { hashSightings(first: 25) { nodes { hostname } } } }')).toBe(1 + (1 + 25 * 2));
  });

  it('counts a value above a cap at the cap (the resolver refuses it with LIMIT_EXCEEDED)', () => {
    expect(cost('{ events(first: 100000) { nodes { atom } } }')).toBe(cost('{ events(first: 500) { nodes { atom } } }'));
  });
});
