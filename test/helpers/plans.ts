// Query plans for tests that check which indexes a statement uses (EXPLAIN: nothing runs).
import type { Runtime } from '../../src/runtime';

export interface Plan {
  operatorType: string;
  arguments: Record<string, unknown>;
  children: Plan[];
}

const operators = (p: Plan): Plan[] => [p, ...p.children.flatMap(operators)];

/** Every operator of the plan Neo4j picks for `cypher`, root first. */
export async function explainPlan(runtime: Runtime, cypher: string, params: Record<string, unknown>): Promise<Plan[]> {
  const session = runtime.driver.session({ defaultAccessMode: 'READ', database: runtime.config.NEO4J_DATABASE });
  try {
    const result = await session.run(`EXPLAIN ${cypher}`, params);
    return operators(result.summary.plan as unknown as Plan);
  } finally {
    await session.close();
  }
}
