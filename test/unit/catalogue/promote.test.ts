import {
  type FieldType,
  type PromotedProperty,
  PROMOTED_PROPERTIES,
  allEventTypes,
  fieldAtPath,
  promotedValues,
  readPath,
} from '../../../src/catalogue';
import { readJsonLines, readSeedCatalogue } from '../../helpers/seeds';

/** The scalar kinds each promoted value type may be read from. */
const LEAVES: Record<(typeof PROMOTED_PROPERTIES)[PromotedProperty]['value'], string[]> = {
  string: ['string'],
  stringList: ['string'],
  int: ['int32', 'int64'],
};

const paths = allEventTypes().flatMap((spec) =>
  Object.entries(spec.promote).flatMap(([name, p]) =>
    (typeof p === 'string' ? [p] : p).map((path) => ({ type: spec.name, name: name as PromotedProperty, path, fields: spec.fields })),
  ),
);

const leafKind = (type: FieldType | undefined) => (type?.kind === 'scalar' ? type.scalar : type?.kind);

describe('promote paths', () => {
  it('exist', () => {
    expect(paths.length).toBeGreaterThan(50);
  });

  it.each(paths)('$type.$name <- $path names a described field of a fitting type', ({ name, path, fields }) => {
    const leaf = fieldAtPath(fields, path);
    expect(leaf).toBeDefined();
    expect(LEAVES[PROMOTED_PROPERTIES[name].value]).toContain(leafKind(leaf));
  });

  it.each(paths.filter((p) => PROMOTED_PROPERTIES[p.name].value !== 'stringList'))(
    '$type.$name <- $path yields one value (no list step)',
    ({ path }) => {
      expect(path).not.toContain('[]');
    },
  );

  it('refuses paths that leave the description', () => {
    const fields = allEventTypes().find((t) => t.name === 'NETWORK_SUMMARY')?.fields ?? {};
    expect(fieldAtPath(fields, 'PROCESS.NETWORK_ACTIVITY[].DESTINATION.IP_ADDRESS')).toEqual({ kind: 'scalar', scalar: 'string' });
    expect(fieldAtPath(fields, 'PROCESS.NETWORK_ACTIVITY.DESTINATION')).toBeUndefined();
    expect(fieldAtPath(fields, 'PROCESS.NOPE')).toBeUndefined();
    expect(fieldAtPath(fields, 'PROCESS[]')).toBeUndefined();
  });
});

describe('readPath', () => {
  it('steps into objects and through lists, skipping what is absent', () => {
    const body = { A: { B: [{ C: 1 }, { C: null }, {}, { C: 2 }] } };
    expect(readPath(body, 'A.B[].C')).toEqual([1, 2]);
    expect(readPath(body, 'A.X.C')).toEqual([]);
    expect(readPath('not an object', 'A')).toEqual([]);
  });
});

describe('promoted values', () => {
  const samples = new Map(
    readJsonLines('samples', 'secops-doc-edr-samples.jsonl').map(({ value }) => {
      const record = value as { routing: { event_type: string }; event: unknown };
      return [record.routing.event_type, record.event];
    }),
  );

  it('gives NEW_PROCESS its own and its parent path and command line', () => {
    expect(promotedValues('NEW_PROCESS', samples.get('NEW_PROCESS'))).toEqual({
      filePath: 'C:\\Program Files\\Git\\usr\\bin\\bash.exe',
      commandLine: '"C:\\Program Files\\Git\\usr\\bin\\bash.exe"',
      hash: '744343e01351ba92e365b7e24eedd4ed18ed3ebe26e68c69d9b5e324fe64a1b5',
      userName: 'CTC\\masked_user',
      processId: 676n,
      parentProcessId: 3452n,
      parentFilePath: 'C:\\Program Files\\Git\\usr\\bin\\bash.exe',
      parentCommandLine: '"C:\\Program Files\\Git\\usr\\bin\\bash.exe"',
    });
  });

  it('gives CODE_IDENTITY all three hashes', () => {
    expect(promotedValues('CODE_IDENTITY', samples.get('CODE_IDENTITY'))).toMatchObject({
      hash: '6dae0b5bac5b2c34fd313b51ac793b6f0c270da01474e4d1016b119fc1f9ce8f',
      hashMd5: '89d92079f45d2f2539bcd1eef73a701e',
      hashSha1: '354fbac912764bbf6595f97a59d5e32041926194',
    });
  });

  it('collects the destinations of NETWORK_CONNECTIONS into ip', () => {
    expect(promotedValues('NETWORK_CONNECTIONS', samples.get('NETWORK_CONNECTIONS'))).toMatchObject({ ip: ['2001:db8::10', '10.10.10.14'] });
  });

  it('gives DNS_REQUEST its domain and answer', () => {
    expect(promotedValues('DNS_REQUEST', samples.get('DNS_REQUEST'))).toEqual({ domain: 'sanitized.domain.net', ip: ['2001:db8::1'], processId: 1556n });
  });

  it('gives handle events the target path and access mask', () => {
    const [handle] = readJsonLines('samples', 'lc-doc-handle-and-thread.jsonl');
    expect(promotedValues('REMOTE_PROCESS_HANDLE', (handle?.value as { event: unknown }).event)).toEqual({
      processId: 4276n,
      parentProcessId: 5380n,
      targetFilePath: 'C:\\Windows\\system32\\sppsvc.exe',
      accessFlags: 2097151n,
    });
  });

  it('reads the seed UDP body (flat local address) and the dataset one (SOURCE/DESTINATION) alike', () => {
    const seedUdp = readSeedCatalogue().sections.find((s) => s.eventType === 'NEW_UDP4_CONNECTION')?.body;
    expect(promotedValues('NEW_UDP4_CONNECTION', seedUdp)).toEqual({ processId: 924n, srcIp: '172.16.223.163', srcPort: 63057n });
    const body = { SOURCE: { IP_ADDRESS: '10.0.0.1', PORT: 5353 }, DESTINATION: { IP_ADDRESS: '10.0.0.2', PORT: 53 } };
    expect(promotedValues('NEW_UDP4_CONNECTION', body)).toEqual({ srcIp: '10.0.0.1', srcPort: 5353n, dstIp: '10.0.0.2', dstPort: 53n });
  });

  it('promotes nothing for a type it does not know, and skips empty values', () => {
    expect(promotedValues('BRAND_NEW_TYPE', { FILE_PATH: 'x' })).toEqual({});
    expect(promotedValues('FILE_CREATE', { FILE_PATH: '', PROCESS_ID: null })).toEqual({});
  });
});
