/**
 * What the GraphQL layer reads of an EventNode: the parsed original (lazily, once per event) and
 * the routing facts that live only in it.
 */
import type { EventNode } from '../../graph/reader/events';
import { parseJson, type JsonValue } from '../../domain/json';

type Obj = Record<string, JsonValue>;
const parsed = new WeakMap<EventNode, { routing: Obj; event: Obj }>();

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The original record, parsed losslessly; a body wrapped in its type's key is unwrapped, as ingest does. */
export function original(node: EventNode): { routing: Obj; event: Obj } {
  let hit = parsed.get(node);
  if (!hit) {
    const result = node.raw ? parseJson(node.raw) : null;
    const value = result?.ok && isObj(result.value) ? result.value : {};
    const routing = isObj(value['routing']) ? value['routing'] : {};
    let event = isObj(value['event']) ? value['event'] : {};
    const type = typeof routing['event_type'] === 'string' ? routing['event_type'] : null;
    if (type && Object.keys(event).length === 1 && isObj(event[type])) event = event[type] as Obj;
    hit = { routing, event };
    parsed.set(node, hit);
  }
  return hit;
}

const PLATFORMS: Record<number, string> = {
  0x10000000: 'WINDOWS',
  0x20000000: 'LINUX',
  0x30000000: 'MACOS',
  0x40000000: 'IOS',
  0x50000000: 'ANDROID',
  0x60000000: 'CHROME',
};
const ARCHITECTURES: Record<number, string> = { 1: 'X86', 2: 'X64', 3: 'ARM', 4: 'ARM64' };

export function platformOf(plat: unknown): string | null {
  if (typeof plat !== 'number' && typeof plat !== 'bigint') return null;
  return PLATFORMS[Number(plat)] ?? 'OTHER';
}

export function architectureOf(arch: unknown): string | null {
  if (typeof arch !== 'number' && typeof arch !== 'bigint') return null;
  return ARCHITECTURES[Number(arch)] ?? 'OTHER';
}
