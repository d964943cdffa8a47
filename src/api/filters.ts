/**
 * The checks every filter of the API goes through before any search runs, written once: relative
 * time ranges, and event type names, which must be known (to the catalogue, or stored in
 * the caller's orgs as GenericEvents) so that a misspelt type is an error with suggestions instead
 * of a silent zero. Host names are checked where the search runs (src/graph/reader/search.ts), in
 * the same statement.
 */
import { allEventTypes, eventTypeSpec } from '../catalogue';
import { parseRelativeRange } from '../domain/time';
import { closest } from '../domain/suggest';
import { AppError, ErrorCode } from '../errors/codes';
import type { EventFilter as GraphFilter } from '../graph/reader/event-filter';
import type { ApiContext } from './context';
import type { EventFilter } from './generated/resolvers-types';

/**
 * `last` (a relative range ending now) and absolute bounds as one [from, to) in epoch ms. `last`
 * replaces `from`; giving both is ambiguous and refused. `now` is a parameter for tests.
 */
export function timeRange(input: { from?: unknown; to?: unknown; last?: string | null }, now = Date.now()): { from: bigint | null; to: bigint | null } {
  const to = (input.to as bigint | null | undefined) ?? null;
  let from = (input.from as bigint | null | undefined) ?? null;
  if (input.last !== undefined && input.last !== null) {
    if (from !== null) throw new AppError(ErrorCode.BAD_USER_INPUT, 'give either from or last, not both', { field: 'last' });
    const range = parseRelativeRange(input.last);
    if ('reason' in range) throw new AppError(ErrorCode.BAD_USER_INPUT, `last: ${range.reason}`, { field: 'last' });
    from = BigInt(now - range.ms);
  }
  return { from, to };
}

/**
 * GraphQL input -> graph filter. Event type names are checked by checkEventTypes; every list's
 * length (eventTypes at most 100, the others 1000) by the gate, before any resolver runs.
 */
export function toGraphFilter(input: EventFilter | null | undefined, now = Date.now()): GraphFilter | null {
  if (!input) return null;
  const { last: _last, ...rest } = input;
  return { ...rest, eventTypes: input.eventTypes ? [...input.eventTypes] : null, ...timeRange(input, now) } as GraphFilter;
}

const CATALOGUE_NAMES = allEventTypes().map((spec) => spec.name);

/**
 * Event type names as given, when each is known: in the catalogue, or stored in the caller's orgs
 * (types nobody catalogued, kept as GenericEvent; one cheap query, and only for such names).
 * Otherwise UNKNOWN_EVENT_TYPE with the nearest catalogue names (`new_process` -> NEW_PROCESS).
 */
export async function checkEventTypes(types: readonly string[] | null | undefined, ctx: Pick<ApiContext, 'search' | 'orgScope'>): Promise<string[] | null> {
  if (!types) return null;
  const checked = [...types];
  const uncatalogued = [...new Set(checked.filter((t) => !eventTypeSpec(t)))];
  if (uncatalogued.length === 0) return checked;
  const stored = await ctx.search.storedTypes(uncatalogued, ctx.orgScope);
  const unknown = uncatalogued.filter((t) => !stored.has(t));
  if (unknown.length === 0) return checked;
  const suggestions = Object.fromEntries(unknown.map((t) => [t, closest(t, CATALOGUE_NAMES)]));
  const hints = unknown.map((t) => `${t}${suggestions[t]!.length ? ` (did you mean ${suggestions[t]!.join(', ')}?)` : ''}`);
  throw new AppError(
    ErrorCode.UNKNOWN_EVENT_TYPE,
    `unknown event type ${hints.join('; ')}: names are LimaCharlie's, in capitals, e.g. NEW_PROCESS; a type outside the catalogue must be stored in your orgs`,
    { unknown, suggestions },
  );
}

/** toGraphFilter, then its event types checked. */
export async function checkedFilter(input: EventFilter | null | undefined, ctx: Pick<ApiContext, 'search' | 'orgScope'>): Promise<GraphFilter | null> {
  const filter = toGraphFilter(input);
  if (filter?.eventTypes) filter.eventTypes = await checkEventTypes(filter.eventTypes, ctx);
  return filter;
}
