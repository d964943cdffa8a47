/** Lookups over the catalogue. Unknown event types are normal input: they answer undefined or OTHER, never throw. */
import { type EventTypeSpec, EVENT_TYPES } from './events';
import type { Family } from './families';

const BY_NAME = new Map(EVENT_TYPES.map((spec) => [spec.name, spec]));

export function eventTypeSpec(name: string): EventTypeSpec | undefined {
  return BY_NAME.get(name);
}

export function allEventTypes(): readonly EventTypeSpec[] {
  return EVENT_TYPES;
}

export function familyOf(eventType: string): Family {
  return BY_NAME.get(eventType)?.family ?? 'OTHER';
}

/** NEW_PROCESS and EXISTING_PROCESS: the events that are nodes of the process tree. */
export function isProcessType(eventType: string): boolean {
  return BY_NAME.get(eventType)?.processTree === true;
}
