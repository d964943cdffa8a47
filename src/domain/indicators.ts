/**
 * Indicators are the values hunters pivot on across hosts. Both the writer (building Indicator
 * nodes) and the reader (looking them up) normalise through this one module, so a lookup always
 * lands on the node the writer made.
 */
import { createHash } from 'node:crypto';
import { UnreachableCaseError } from '../errors/codes';

export const INDICATOR_KINDS = ['HASH', 'DOMAIN', 'IP', 'FILE_PATH', 'COMMAND_LINE', 'USER'] as const;
export type IndicatorKind = (typeof INDICATOR_KINDS)[number];

/** Case rules follow the systems the values come from: hashes, DNS names, Windows paths and accounts are case-insensitive. */
export function normalizeIndicator(kind: IndicatorKind, value: string): string {
  const trimmed = value.trim();
  switch (kind) {
    case 'HASH':
      return trimmed.toLowerCase();
    case 'DOMAIN':
      return trimmed.toLowerCase().replace(/\.$/, '');
    case 'IP':
      return trimmed.toLowerCase();
    case 'FILE_PATH':
    case 'USER':
      return trimmed.toLowerCase();
    case 'COMMAND_LINE':
      return trimmed;
    default:
      throw new UnreachableCaseError(kind);
  }
}

/**
 * The same indicator in every org: a hash of kind and normalised value, so a 30 KB command line
 * still fits an index entry (range indexes cap keys near 8 KB); the readable value stays on the node.
 */
export function indicatorKey(kind: IndicatorKind, value: string): string {
  return createHash('sha1').update(`${kind}\u0000${normalizeIndicator(kind, value)}`).digest('hex');
}

/** The key of an Indicator node: one per org, since nothing links across orgs. */
export function indicatorUid(oid: string, kind: IndicatorKind, value: string): string {
  return `${oid}/${indicatorKey(kind, value)}`;
}

export function isIndicatorKind(value: string): value is IndicatorKind {
  return (INDICATOR_KINDS as readonly string[]).includes(value);
}
