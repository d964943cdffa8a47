/**
 * Warnings as the ingest answers list them (POST /ingest, ingestEvents): the first
 * MAX_WARNINGS_LISTED, the count of all in the summary. One body can hold many misfits, so the
 * list is capped however few events a request carries.
 */
import type { Warning } from './pipeline';

export const MAX_WARNINGS_LISTED = 1000;

export interface ListedWarning {
  /** The line (POST /ingest, from 1) or the position in `events` (ingestEvents, from 0). */
  line: number;
  field: string;
  reason: string;
}

export function warningList(): { list: ListedWarning[]; onWarning: (warning: Warning) => void } {
  const list: ListedWarning[] = [];
  return {
    list,
    onWarning: (w) => {
      if (list.length < MAX_WARNINGS_LISTED) list.push({ line: w.line, field: w.field, reason: w.reason });
    },
  };
}
