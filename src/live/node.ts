/** A freshly stored row as the EventNode the queries read back, so live events resolve like stored ones. */
import type { EventNode } from '../graph/reader/events';
import type { EventRow } from '../graph/writer/rows';

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const big = (v: unknown): bigint | null => (typeof v === 'bigint' ? v : typeof v === 'number' && Number.isInteger(v) ? BigInt(v) : null);

export function rowToEventNode(row: EventRow): EventNode {
  const p = row.props;
  return {
    uid: row.uid,
    oid: String(p['oid']),
    atom: String(p['atom'] ?? ''),
    type: str(p['type']),
    placeholder: false,
    time: big(p['time']),
    bodyTime: big(p['bodyTime']),
    eventId: str(p['eventId']),
    sid: str(p['sid']),
    hostname: str(p['hostname']),
    parentAtom: str(p['parentAtom']),
    targetAtom: str(p['targetAtom']),
    raw: str(p['raw']),
  };
}
