import { describe, expect, it } from 'vitest';
import { callbackPath, sameOriginCallback } from '../../server/auth/callbackUrl';

const PORTAL = 'https://portal.example';

/** Values a browser would follow to another host, once it has dropped tabs and line breaks from the URL. */
const elsewhere = [
  '//evil.example',
  '/\t/evil.example',
  '/\n/evil.example',
  '/\r\n/evil.example',
  '\t//evil.example/clusters',
  '/\\evil.example',
  '/\t\\evil.example',
  '\\\\evil.example',
  'https://evil.example/',
  'https://portal.example.evil.example/',
  'https://portal.example:443.evil.example/',
  'java\tscript:alert(1)',
  'javascript:alert(document.cookie)',
  'data:text/html,hi',
];

describe('callbackUrl rules', () => {
  it.each(elsewhere)('refuses %j on the server and on the sign-in page', (url) => {
    expect(sameOriginCallback(url, PORTAL)).toBeNull();
    expect(callbackPath(url)).toBeNull();
  });

  it('keeps a page of this portal, with its query and fragment, and drops tabs and line breaks as a browser would', () => {
    expect(sameOriginCallback('/clusters/demo?ns=a#top', PORTAL)).toBe(`${PORTAL}/clusters/demo?ns=a#top`);
    expect(sameOriginCallback(`${PORTAL}/clusters`, PORTAL)).toBe(`${PORTAL}/clusters`);
    expect(callbackPath('/clusters/demo?ns=a#top')).toBe('/clusters/demo?ns=a#top');
    expect(callbackPath('/clu\tsters/\ndemo')).toBe('/clusters/demo');
    expect(callbackPath('/')).toBe('/');
  });
});
