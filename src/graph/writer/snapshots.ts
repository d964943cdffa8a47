/**
 * What the events of a batch say of the placeholders they name (docs/graph-model.md, Placeholders):
 * one report per placeholder per batch, chosen by the same rule the statement applies against what
 * the graph already holds, so the outcome never depends on arrival order or batch boundaries.
 */
import type { EventRow, SnapshotRow } from './rows';

/** Positions in an encoded report; DESCRIBE_PLACEHOLDERS reads the same positions. */
export const REPORT = {
  uid: 0,
  from: 1,
  snapshot: 2,
  sid: 3,
  hostname: 4,
  filePath: 5,
  commandLine: 6,
  processId: 7,
  userName: 8,
  hash: 9,
  parentUid: 10,
  parentAtom: 11,
} as const;

interface Report {
  /** The placeholder's key. */
  uid: string;
  /** The reporting event's key. */
  from: string;
  sid: unknown;
  hostname: unknown;
  snapshot: SnapshotRow | null;
}

/** The report that wins: one with a snapshot before one without, then the smaller reporter key. */
export function prefers(a: { from: string; snapshot: boolean }, b: { from: string; snapshot: boolean }): boolean {
  if (a.snapshot !== b.snapshot) return a.snapshot;
  return a.from < b.from;
}

/** The winning report of each referenced event, as positional lists (cheaper to send than maps). */
export function placeholderReports(rows: readonly EventRow[]): unknown[][] {
  const best = new Map<string, Report>();
  const offer = (uid: string | null, snapshot: SnapshotRow | null | undefined, row: EventRow) => {
    if (uid === null || uid === row.uid) return;
    const report: Report = { uid, from: row.uid, sid: row.props['sid'] ?? null, hostname: row.props['hostname'] ?? null, snapshot: snapshot ?? null };
    const kept = best.get(uid);
    if (!kept || prefers({ from: report.from, snapshot: report.snapshot !== null }, { from: kept.from, snapshot: kept.snapshot !== null })) best.set(uid, report);
  };
  for (const row of rows) {
    offer(row.parentUid, row.parentSnapshot, row);
    offer(row.targetUid, row.targetSnapshot, row);
  }
  return [...best.values()].map((r) => {
    const s = r.snapshot;
    return [r.uid, r.from, s !== null, r.sid, r.hostname, s?.filePath ?? null, s?.commandLine ?? null, s?.processId ?? null, s?.userName ?? null, s?.hash ?? null, s?.parentUid ?? null, s?.parentAtom ?? null];
  });
}
