// Labels made from input never collide with the model's own labels (issue 17, item 9).
import { allEventTypes } from '../../src/catalogue';
import { normalizeRecord } from '../../src/ingest/normalize';
import { modelLabels } from '../helpers/model-labels';

const routing = (eventType: string) => ({ this: 'a1', parent: 'p1', event_type: eventType, event_time: 1_700_000_000_000, oid: 'org-1', sid: 's1', hostname: 'h1' });

describe('labels from event types', () => {
  const labels = modelLabels();

  it('finds the model’s labels in its Cypher', () => {
    // A floor, not the list: the point is that the list is read from the source.
    expect(labels).toEqual(expect.arrayContaining(['ApiKey', 'DemoFleet', 'Event', 'Indicator', 'Process', 'Sensor']));
  });

  it('no catalogue event type is a label the model uses', () => {
    const types = new Set(allEventTypes().map((t) => t.name.toLowerCase()));
    expect(labels.filter((l) => types.has(l.toLowerCase()))).toEqual([]);
  });

  it.each(labels)('an event_type of %p is stored without any label beside :Event', (label) => {
    const result = normalizeRecord({ routing: routing(label), event: { FILE_PATH: 'x' } } as never);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.rows[0]?.labels).toEqual([]);
    expect(result.rows[0]?.props['type']).toBe(label);
  });

  it('labels catalogue types, and processes as Process', () => {
    const labelsOf = (type: string) => {
      const result = normalizeRecord({ routing: routing(type), event: {} } as never);
      return result.ok ? result.rows[0]?.labels : null;
    };
    expect(labelsOf('NEW_PROCESS')).toEqual(['NEW_PROCESS', 'Process']);
    expect(labelsOf('DNS_REQUEST')).toEqual(['DNS_REQUEST']);
    expect(labelsOf('SOME_NEW_TYPE')).toEqual([]);
  });
});
