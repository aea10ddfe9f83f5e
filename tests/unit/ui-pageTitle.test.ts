import { describe, expect, it } from 'vitest';
import { decodeSegment, listTitle, objectTitle, overviewTitle } from '../../lib/ui/pageTitle';
import { parseTheme, themeCookie } from '../../lib/ui/theme';

describe('page titles', () => {
  it('names an object by its name, singular kind, namespace and cluster', () => {
    expect(objectTitle('demo', 'pods', 'team-a', 'web-7f9c')).toBe('web-7f9c · Pod · team-a · demo');
    expect(objectTitle('demo', 'ingresses', 'team-a', 'grafana')).toBe('grafana · Ingress · team-a · demo');
  });

  it('leaves out the namespace of a cluster-scoped object', () => {
    expect(objectTitle('demo', 'nodes', '_', 'node-1')).toBe('node-1 · Node · demo');
  });

  it('names a list by its plural title and the namespaces chosen', () => {
    expect(listTitle('demo', 'pods')).toBe('Pods · demo');
    expect(listTitle('demo', 'deployments', ['team-a', 'team-b'])).toBe('Deployments · team-a, team-b · demo');
    expect(overviewTitle('demo')).toBe('Overview · demo');
  });

  it('shows a kind the registry does not know by its token', () => {
    expect(listTitle('demo', 'backups.example.com')).toBe('backups.example.com · demo');
    expect(objectTitle('demo', 'backups.example.com', 'team-a', 'nightly')).toBe('nightly · backups.example.com · team-a · demo');
  });

  it('keeps a segment that is not valid percent-encoding as it came', () => {
    expect(decodeSegment('web%20a')).toBe('web a');
    expect(decodeSegment('%E0%A4%A')).toBe('%E0%A4%A');
  });
});

describe('the theme cookie', () => {
  it('reads only light and dark; anything else follows the system', () => {
    expect(parseTheme('dark')).toBe('dark');
    expect(parseTheme('light')).toBe('light');
    expect(parseTheme('purple')).toBe('system');
    expect(parseTheme(undefined)).toBe('system');
  });

  it('is kept for a year, and forgotten when the choice is the system’s', () => {
    expect(themeCookie('dark', true)).toBe('crowsnest-theme=dark; Max-Age=31536000; Path=/; SameSite=Lax; Secure');
    expect(themeCookie('system', false)).toBe('crowsnest-theme=; Max-Age=0; Path=/; SameSite=Lax');
  });
});
