import { buildSchema, parse } from 'graphql';
import { getComplexity } from 'graphql-query-complexity';
import { traversalEstimator } from '../../src/api/limits/cost';
import { CostMeter, costVariables, MAX_VARIANTS } from '../../src/api/limits/cost-cache';
import { loadTypeDefs } from '../../src/api/schema/load';

const schema = buildSchema(loadTypeDefs());
const estimator = traversalEstimator({ maxPage: 500, maxDepth: 256 });
const direct = (query: string, variables: Record<string, unknown>) => getComplexity({ schema, query: parse(query), variables, estimators: [estimator] });

describe('remembered query costs', () => {
  it('names only the variables that reach a size or depth argument or @skip/@include', () => {
    const doc = parse(`query($atom: ID!, $n: Int, $d: Int, $show: Boolean!, $f: EventFilter) {
      ancestors(atom: $atom, maxDepth: $d) { atom }
      events(filter: $f, first: $n) { nodes { atom @include(if: $show) } }
    }`);
    expect(costVariables(doc)).toEqual(['d', 'n', 'show']);
    expect(costVariables(parse('query($atom: ID!) { event(atom: $atom) { atom } }'))).toEqual([]);
  });

  it('computes a document once whatever its other variables, and again when a size variable changes', () => {
    const meter = new CostMeter(estimator);
    const text = 'query($atom: ID!, $n: Int) { descendants(atom: $atom, first: $n, maxDepth: 8) { nodes { atom } } }';
    const doc = parse(text);
    const a = meter.cost(schema, doc, { atom: 'a', n: 10 }, null);
    const b = meter.cost(schema, doc, { atom: 'b', n: 10 }, null);
    expect(meter.computed).toBe(1);
    expect(a).toBe(b);
    expect(a).toBe(direct(text, { atom: 'a', n: 10 }));
    const c = meter.cost(schema, doc, { atom: 'a', n: 400 }, null);
    expect(meter.computed).toBe(2);
    expect(c).toBe(direct(text, { atom: 'a', n: 400 }));
    expect(c).toBeGreaterThan(a);
  });

  it('tells @include(if: $x) variants apart', () => {
    const meter = new CostMeter(estimator);
    const text = 'query($deep: Boolean!) { events(first: 100) { nodes { atom children(first: 100) @include(if: $deep) { nodes { atom } } } } }';
    const doc = parse(text);
    expect(meter.cost(schema, doc, { deep: true }, null)).toBe(direct(text, { deep: true }));
    expect(meter.cost(schema, doc, { deep: false }, null)).toBe(direct(text, { deep: false }));
    expect(meter.cost(schema, doc, { deep: true }, null)).toBeGreaterThan(meter.cost(schema, doc, { deep: false }, null));
  });

  it('keys by operation name in a document with several operations', () => {
    const meter = new CostMeter(estimator);
    const text = 'query Small { events(first: 1) { nodes { atom } } } query Big { events(first: 300) { nodes { atom } } }';
    const doc = parse(text);
    const small = meter.cost(schema, doc, {}, 'Small');
    const big = meter.cost(schema, doc, {}, 'Big');
    expect(small).toBe(getComplexity({ schema, query: doc, variables: {}, operationName: 'Small', estimators: [estimator] }));
    expect(big).toBeGreaterThan(small);
  });

  it(`keeps at most ${MAX_VARIANTS} variants of one document, and stays right beyond them`, () => {
    const meter = new CostMeter(estimator);
    const text = 'query($n: Int) { events(first: $n) { nodes { atom } } }';
    const doc = parse(text);
    for (let n = 1; n <= MAX_VARIANTS + 10; n++) expect(meter.cost(schema, doc, { n }, null)).toBe(1 + n * 2);
    const before = meter.computed;
    meter.cost(schema, doc, { n: MAX_VARIANTS + 5 }, null);
    expect(meter.computed).toBe(before + 1);
    meter.cost(schema, doc, { n: 3 }, null);
    expect(meter.computed).toBe(before + 1);
  });
});
