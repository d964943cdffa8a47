/**
 * The vocabulary the catalogue is written in. A field is described once, by its LimaCharlie key and
 * type; the zod schemas, the GraphQL field names and types, and the promotion checks all read it.
 */
import { camelCase } from './names';

/**
 * Scalar kinds, chosen by what the value can hold rather than what it means:
 * - `string`: any string;
 * - `int32`: PIDs, ports, states, small enums: signed or unsigned 32-bit (a GraphQL Int, which holds
 *   the signed half; a DWORD above 2^31-1 reads null there and stays exact in `raw`);
 * - `int64`: addresses, sizes, masks, anything that may pass 2^31 — a JS number, or a bigint when
 *   the lossless parser met a value beyond 2^53;
 * - `float`: a finite number;
 * - `bool01`: LimaCharlie flags sent as 0/1 (booleans accepted too);
 * - `timestamp`: an epoch time in seconds or milliseconds (the seeds use both);
 * - `atom`: an opaque event identifier;
 * - `json`: anything; used where the shape is free-form or unknown.
 */
export type ScalarKind = 'string' | 'int32' | 'int64' | 'float' | 'bool01' | 'timestamp' | 'atom' | 'json';

export type FieldType =
  | { readonly kind: 'scalar'; readonly scalar: ScalarKind; readonly description?: string }
  | { readonly kind: 'object'; readonly object: string; readonly description?: string }
  | { readonly kind: 'list'; readonly of: FieldType; readonly description?: string };

/** A body or object description: LimaCharlie key -> type. Keys are spelled exactly as LimaCharlie sends them. */
export type FieldMap = Readonly<Record<string, FieldType>>;

const scalar =
  (kind: ScalarKind) =>
  (description?: string): FieldType =>
    description === undefined ? { kind: 'scalar', scalar: kind } : { kind: 'scalar', scalar: kind, description };

export const str = scalar('string');
export const int32 = scalar('int32');
export const int64 = scalar('int64');
export const float = scalar('float');
export const bool01 = scalar('bool01');
export const timestamp = scalar('timestamp');
export const atom = scalar('atom');
export const json = scalar('json');

/** A named nested object type from objects.ts (its name is also its GraphQL type name). */
export function obj(object: string, description?: string): FieldType {
  return description === undefined ? { kind: 'object', object } : { kind: 'object', object, description };
}

export function list(of: FieldType, description?: string): FieldType {
  return description === undefined ? { kind: 'list', of } : { kind: 'list', of, description };
}

/** A field as the GraphQL layer sees it: LimaCharlie key, derived name, type. */
export interface FieldSpec {
  readonly key: string;
  readonly graphqlName: string;
  readonly type: FieldType;
  readonly description?: string;
}

export function fieldsOf(fields: FieldMap): FieldSpec[] {
  return Object.entries(fields).map(([key, type]) => ({
    key,
    graphqlName: camelCase(key),
    type,
    ...(type.description === undefined ? {} : { description: type.description }),
  }));
}
