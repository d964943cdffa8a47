import { operationLabels } from '../../src/api/plugins/observe';

describe('operation names as metric labels', () => {
  it('keeps well-formed names up to the cap, then counts the rest as other', () => {
    const label = operationLabels(2);
    expect(label('Ancestry')).toBe('Ancestry');
    expect(label('Tree')).toBe('Tree');
    expect(label('Third')).toBe('other');
    expect(label('Ancestry')).toBe('Ancestry');
  });

  it('never turns a malformed or oversized name into a label', () => {
    const label = operationLabels();
    expect(label('x"} 1\nfake_metric 1')).toBe('invalid');
    expect(label('a'.repeat(65))).toBe('invalid');
    expect(label('a'.repeat(64))).toBe('a'.repeat(64));
  });
});
