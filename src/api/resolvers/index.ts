/** The resolver map: one small file per root field, plus the event types built from the catalogue. */
import { eventResolvers } from '../events/resolvers';
import type { Resolvers } from '../generated/resolvers-types';
import { JSONScalar } from '../scalars/json';
import { DateTimeScalar, LongScalar } from '../scalars/long';
import { ancestors } from './ancestors';
import { descendants } from './descendants';
import { Detection, detection, detectionAdded, detectionCounts, detections, sensorDetections } from './detections';
import { event } from './event';
import { eventAdded } from './event-added';
import { ingestEvents } from './ingest-events';
import { LateralMovement, lateralMovement, path } from './lateral';
import { eventCounts, events, Sensor, sensors } from './search';
import { firstSeen, prevalence, Sighting, sightings } from './sightings';
import { version } from './version';

const rootResolvers: Resolvers = {
  JSON: JSONScalar,
  Long: LongScalar,
  DateTime: DateTimeScalar,
  Query: { version, event, ancestors, descendants, sightings, prevalence, firstSeen, events, eventCounts, sensors, lateralMovement, path, detections, detection, detectionCounts },
  Sighting,
  Sensor: { ...Sensor, detections: sensorDetections },
  LateralMovement,
  Detection,
  Mutation: { ingestEvents },
  Subscription: { eventAdded, detectionAdded },
};

// Event types and their fields follow from the catalogue at start-up, as their SDL does.
export const resolvers = { ...eventResolvers(), ...rootResolvers } as Resolvers;
