/**
 * THE tenancy rule of every read: a caller sees the orgs of its key, and `$orgs` null means every
 * org (auth switched off locally). Every statement that reads tenant data writes its scope with
 * these fragments, never by hand, so the rule has one spelling to review and to fix;
 * test/unit/statements.test.ts renders every reader statement and fails for one without it.
 */

/**
 * The label retention's first phase puts on an event it is about to delete (src/graph/prune): the
 * event is already off every aggregate, and the second phase deletes it once no statement that
 * saw it unmarked can still be running. Readers leave marked events out, so no statement ever
 * reads one while it is being deleted (docs/graph-model.md, Retention).
 */
export const GOING_LABEL = 'Pruning';

/** The node is not being pruned: every event a reader returns or starts from says so. */
export function live(v: string): string {
  return `NOT ${v}:${GOING_LABEL}`;
}

/**
 * The caller's scope on each node named: all of them must lie in the caller's orgs, and none may
 * be an event retention is deleting (live). The second part is harmless on other nodes (they never
 * carry the label) and keeps the rule one fragment that no statement can half-apply.
 */
export function orgScope(...vars: [string, ...string[]]): string {
  const each = vars.map((v) => `${v}.oid IN $orgs`);
  return `(($orgs IS NULL OR ${each.length === 1 ? each[0] : `(${each.join(' AND ')})`}) AND ${vars.map(live).join(' AND ')})`;
}

/** The org a client chose among its own (`orgId` argument; null: any of them). Not a scope: goes with orgScope. */
export function chosenOrg(v: string): string {
  return `($orgId IS NULL OR ${v}.oid = $orgId)`;
}

/**
 * The scope of a statement compiled per request (filters), where the scope is known when the text
 * is built: present only when the caller is limited to some orgs, so the planner sees no OR.
 */
export function orgIn(v: string, param: string): string {
  return `${v}.oid IN ${param}`;
}
