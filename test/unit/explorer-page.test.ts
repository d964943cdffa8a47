import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { explorerAssets } from '../../src/api/explorer/assets';
import { explorerPage } from '../../src/api/explorer/page';
import { queryHasField } from '../../src/api/explorer/router';

describe('the explorer page', () => {
  it('shows the detections panel only when the schema has Query.detections (also through extend type Query)', () => {
    expect(queryHasField('type Query { events: Int }', 'detections')).toBe(false);
    expect(queryHasField('type Query { events: Int detections(first: Int): Int }', 'detections')).toBe(true);
    expect(queryHasField('type Query { events: Int } extend type Query { detections: Int }', 'detections')).toBe(true);
    // A field of that name on another type is not the API.
    expect(queryHasField('type Query { events: Int } type Event { detections: Int }', 'detections')).toBe(false);
  });

  it('carries its settings in a JSON block that no event text can break out of, and loads scripts only by src', () => {
    const html = explorerPage({ auth: 'keys', playground: true, features: { detections: false } });
    const block = /<script type="application\/json" id="atomgraph-explorer-settings">([^<]*)<\/script>/.exec(html)?.[1];
    expect(JSON.parse(block ?? 'null')).toEqual({ auth: 'keys', playground: true, features: { detections: false } });
    const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    for (const [, attributes, body] of scripts) if (attributes?.includes('src=')) expect(body).toBe('');
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
  });

  it('serves nothing until the bundle is built, then exactly the bundle\'s files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'explorer-assets-'));
    expect(explorerAssets(dir)).toBeNull();
    writeFileSync(join(dir, 'explorer.js'), '');
    expect(explorerAssets(dir)).toBeNull();
    writeFileSync(join(dir, 'explorer.css'), '');
    expect([...(explorerAssets(dir)?.keys() ?? [])].sort()).toEqual(['explorer.css', 'explorer.js', 'favicon.svg']);
  });
});
