/**
 * Node keys. Atoms are globally unique in LimaCharlie, but the key still starts with the org so
 * the same atom loaded into two orgs (a test fleet, a replayed capture) never becomes one node.
 */
export function eventUid(oid: string, atom: string | null, eventId: string | null): string {
  if (atom) return `${oid}/${atom}`;
  if (eventId) return `${oid}/event:${eventId}`;
  throw new Error('an event key needs an atom or an event_id');
}
