// The playground page is static text with the settings in a JSON block: no inline script for the
// Content-Security-Policy to allow, and no example text that could close the block it sits in.
import { CONTENT_SECURITY_POLICY, playgroundPage } from '../../src/api/playground/page';
import { PLAYGROUND_EXAMPLES } from '../../src/api/playground/examples';

const settingsOf = (html: string): unknown =>
  JSON.parse(/<script type="application\/json" id="atomgraph-playground-settings">([^<]*)<\/script>/.exec(html)?.[1] ?? 'null');

describe('the playground page', () => {
  it('runs only scripts from files: every other <script> is the JSON settings block', () => {
    const html = playgroundPage({ auth: 'keys', examples: PLAYGROUND_EXAMPLES });
    const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.filter(([, attributes]) => attributes?.includes('src=')).map(([, , body]) => body)).toEqual(['', '', '', '']);
    expect(scripts.filter(([, attributes]) => !attributes?.includes('src=')).map(([, attributes]) => attributes)).toEqual([
      ' type="application/json" id="atomgraph-playground-settings"',
    ]);
    expect(settingsOf(html)).toEqual({ auth: 'keys', examples: PLAYGROUND_EXAMPLES });
  });

  it('keeps an example that contains </script> or <!-- inside its block, intact', () => {
    const examples = [{ query: '# </script><script>alert(1)</script> <!-- & -->\n{ version { server } }' }];
    const html = playgroundPage({ auth: 'off', examples });
    expect(html).not.toContain('alert(1)</script>');
    expect(settingsOf(html)).toEqual({ auth: 'off', examples });
  });

  it('forbids inline script, eval and other origins in its policy', () => {
    const directives = new Map(CONTENT_SECURITY_POLICY.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)]));
    expect(directives.get('default-src')).toEqual(["'none'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('connect-src')).toEqual(["'self'"]);
    for (const [, sources] of directives) expect(sources.filter((s) => /^(https?:|\*|'unsafe-eval')/.test(s))).toEqual([]);
  });
});
