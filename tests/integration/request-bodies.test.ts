import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPortal, type Portal } from '../support/portal';
import { portalKubeconfig } from '../support/portalOnSim';
import { signInAs, type CookieJar } from '../support/session';
import { startSim, type SimHarness } from '../support/sim';

/** Just under the request path's 1 MiB limit. */
const NEAR_LIMIT = 1024 * 1024 - 64;

/** `open` + `unit` repeated + `close`, as long as fits in `bytes`. */
const filled = (open: string, unit: string, close: string, bytes = NEAR_LIMIT) => open + unit.repeat(Math.floor((bytes - open.length - close.length) / unit.length)) + close;

/** Bodies of empty or tiny YAML items, each about a million tokens: slow to parse, and once an error object per item. */
const denseYaml = (): Array<[string, string]> => [
  ['1 MiB of empty flow map items', '{' + ','.repeat(1024 * 1024 - 2) + '}'],
  ['empty tagged items [!,!,…]', filled('[', '!,', ']')],
  ['unknown tags on empty items [!a ,…]', filled('[', '!a ,', ']')],
  ['keys of two words without values {a b: ,…}', filled('{', 'a b: ,', '}')],
  ['empty pairs [:,:,…]', filled('[', ':,', ']')],
];

interface BodyRoute {
  name: string;
  method: 'PUT' | 'POST';
  path: string;
  contentType: string;
  /** A body this route accepts; hostile variants are built around it. */
  valid: Record<string, unknown>;
  /** Fields of the wrong type, where the route reads fields. */
  wrongTypes?: Record<string, unknown>;
}

/** Deep block-style YAML: each line one level deeper, as far as `bytes` allows. */
function deepBlock(bytes: number, line: (indent: number) => string): string {
  let text = '';
  for (let i = 0; ; i++) {
    const next = line(i);
    if (text.length + next.length > bytes) return text;
    text += next;
  }
}

/** A body with bytes that are not UTF-8 (a lone 0xFF) inside an otherwise valid object. */
function withBrokenUtf8(valid: Record<string, unknown>): Uint8Array<ArrayBuffer> {
  const text = JSON.stringify({ ...valid, note: '@@' });
  const [before, after] = text.split('@@');
  return Uint8Array.from(Buffer.concat([Buffer.from(before), Buffer.from([0xff, 0xfe]), Buffer.from(after)]));
}

function hostileBodies(route: BodyRoute): Array<[string, string | Uint8Array<ArrayBuffer>]> {
  const bodies: Array<[string, string | Uint8Array<ArrayBuffer>]> = [
    ['1,000 unclosed [', '['.repeat(1000)],
    ['1,000 unclosed [ again', '['.repeat(1000)],
    ['1,000 unclosed {', '{'.repeat(1000)],
    ['1,000 nested JSON objects', '{"a":'.repeat(1000) + '1' + '}'.repeat(1000)],
    ['1,000 nested flow mappings', '{a: '.repeat(1000) + 'b' + '}'.repeat(1000)],
    ['[ up to the size limit', '['.repeat(NEAR_LIMIT)],
    ['balanced [] up to the size limit', '['.repeat(NEAR_LIMIT / 2) + ']'.repeat(NEAR_LIMIT / 2)],
    ['block mappings nested to the size limit', deepBlock(NEAR_LIMIT, (i) => `${' '.repeat(i)}k:\n`)],
    ['block sequences nested to the size limit', deepBlock(NEAR_LIMIT, (i) => `${' '.repeat(i)}-\n`)],
    ['an unclosed object', '{"kind": "Deployment", "metadata": {"name": '],
    ['an unclosed string', '{"key": "abc'],
    ['a string near the size limit', JSON.stringify('x'.repeat(NEAR_LIMIT))],
    ['a recursive alias', 'kind: Deployment\ndata: &a {k: *a}\n'],
    ['an alias to its own sequence', '&a [*a]'],
    ['an alias bomb', ['a: &a [x,x,x,x,x,x,x,x,x]', ...'bcdefgh'.split('').map((n, i) => `${n}: &${n} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(',')}]`)].join('\n')],
    ['null', 'null'],
    ['a list', '[]'],
    ['a list of objects', '[{"replicas": 1, "key": "password"}]'],
    ['a number', '42'],
    ['a string', '"replicas"'],
    ['true', 'true'],
    ['broken UTF-8', withBrokenUtf8(route.valid)],
    ...denseYaml(),
  ];
  if (route.wrongTypes) bodies.push(['fields of the wrong type', JSON.stringify(route.wrongTypes)]);
  return bodies;
}

describe('hostile request bodies', () => {
  let harness: SimHarness;
  let portal: Portal;
  let alice: CookieJar;

  const post = (path: string, body: unknown) => harness.api(path, { method: 'POST', body: JSON.stringify(body) });
  const send = (route: { method: string; path: string; contentType: string }, body: string | Uint8Array<ArrayBuffer>) =>
    fetch(`${portal.url}${route.path}`, {
      method: route.method,
      headers: { Cookie: alice.header(), 'X-Crowsnest-CSRF': '1', Origin: portal.url, 'Content-Type': route.contentType },
      body,
    });
  const deployment = async () => (await (await harness.api('/apis/apps/v1/namespaces/team-a/deployments/web')).json()) as Record<string, any>;

  beforeAll(async () => {
    harness = await startSim({ scenario: 'empty', controllers: false });
    await post('/apis/apps/v1/namespaces/team-a/deployments', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'team-a' },
      spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx' }] } } },
    });
    await post('/apis/batch/v1/namespaces/team-a/cronjobs', {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'tick', namespace: 'team-a' },
      spec: { schedule: '*/5 * * * *', jobTemplate: { spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'tick', image: 'busybox' }] } } } } },
    });
    await post('/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1' } });
    await post('/api/v1/namespaces/team-a/secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'team-a' }, data: { password: Buffer.from('pw').toString('base64') } });
    await post('/api/v1/namespaces/team-a/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'big', namespace: 'team-a' }, data: { a: 'b' } });
    const { path } = await portalKubeconfig(harness);
    portal = await startPortal({ KUBECONFIG: path, CROWSNEST_DEMO: '0', CROWSNEST_RATE_LIMIT_PER_SECOND: '0' });
    alice = await signInAs(portal.url, 'alice');
  });
  afterAll(async () => {
    await portal?.stop('SIGKILL');
    await harness?.close();
  });

  const base = '/api/clusters/sim';
  const routes = (): BodyRoute[] => [
    { name: 'edit (YAML)', method: 'PUT', path: `${base}/deployments/team-a/web`, contentType: 'application/yaml', valid: {}, wrongTypes: { kind: 'Deployment', metadata: 'web' } },
    { name: 'edit (JSON)', method: 'PUT', path: `${base}/deployments/team-a/web`, contentType: 'application/json', valid: {}, wrongTypes: { kind: ['Deployment'], metadata: { name: 'web', resourceVersion: 1, namespace: 7 } } },
    { name: 'scale', method: 'POST', path: `${base}/deployments/team-a/web/scale`, contentType: 'application/json', valid: { replicas: 2 }, wrongTypes: { replicas: '2' } },
    { name: 'restart', method: 'POST', path: `${base}/deployments/team-a/web/restart`, contentType: 'application/json', valid: {} },
    { name: 'cordon', method: 'POST', path: `${base}/nodes/_/node-1/cordon`, contentType: 'application/json', valid: { unschedulable: true }, wrongTypes: { unschedulable: 'yes' } },
    { name: 'suspend', method: 'POST', path: `${base}/cronjobs/team-a/tick/suspend`, contentType: 'application/json', valid: { suspend: true }, wrongTypes: { suspend: null } },
    { name: 'reveal', method: 'POST', path: `${base}/secrets/team-a/db/reveal`, contentType: 'application/json', valid: { key: 'password' }, wrongTypes: { key: ['password'] } },
  ];

  it('answers every hostile body on every route that takes one with a 4xx error, and the process serves the next request', async () => {
    for (const route of routes()) {
      // The valid body is accepted, so a refusal below is about the body, not the route.
      if (route.method === 'POST') expect([route.name, (await send(route, JSON.stringify(route.valid))).status]).toEqual([route.name, 200]);
      for (const [what, body] of hostileBodies(route)) {
        const res = await send(route, body);
        const text = await res.text();
        const label = `${route.name}: ${what} → ${res.status} ${text.slice(0, 200)}`;
        expect(res.status >= 400 && res.status < 500, label).toBe(true);
        const parsed = JSON.parse(text) as { error: { code: number; message: string } };
        expect(parsed.error.code, label).toBe(res.status);
        expect(typeof parsed.error.message, label).toBe('string');
        expect(parsed.error.message.length, label).toBeGreaterThan(0);
        const next = await fetch(`${portal.url}/api/me`, { headers: { Cookie: alice.header() } });
        expect([label, next.status]).toEqual([label, 200]);
      }
    }
    expect(portal.process.exitCode).toBeNull();
  });

  it('says what is wrong with a deeply nested edit and with a recursive alias', async () => {
    const edit = routes()[0];
    const deep = await send(edit, '['.repeat(1000));
    expect(deep.status).toBe(400);
    expect(((await deep.json()) as { error: { message: string } }).error.message).toMatch(/nested more than \d+ levels/);
    const recursive = await send(edit, 'kind: Deployment\ndata: &a {k: *a}\n');
    expect(recursive.status).toBe(400);
    expect(((await recursive.json()) as { error: { message: string } }).error.message).toMatch(/refers to itself/);
  });

  it('refuses a YAML edit of a million tiny items by the token cap, and a smaller broken one by its first error', async () => {
    const edit = routes()[0];
    for (const [what, body] of denseYaml()) {
      const res = await send(edit, body);
      expect([what, res.status]).toEqual([what, 400]);
      expect(((await res.json()) as { error: { message: string } }).error.message, what).toMatch(/^the edit has more than \d+ YAML tokens/);
    }
    const broken = await send(edit, `kind: Deployment\nspec: {${','.repeat(100_000)}}\n`);
    expect(broken.status).toBe(400);
    expect(((await broken.json()) as { error: { message: string } }).error.message).toBe('the edit is not valid YAML or JSON (line 2, column 9): Unexpected , in flow map');
  });

  it('still applies an edit sent as the YAML editor sends it: block style, comments, quoted brackets, flow mappings', async () => {
    const current = await deployment();
    // An annotation may hold any text (a label value may not hold brackets, as Kubernetes checks).
    const edited = { ...current, metadata: { ...current.metadata, annotations: { note: 'front' } } };
    const yaml = `# edited in the browser\n${stringify(edited, { lineWidth: 0 })}`.replace('note: front', 'note: "[front{"  # a comment with [ and {');
    const res = await send({ method: 'PUT', path: `${base}/deployments/team-a/web`, contentType: 'application/yaml' }, yaml);
    expect([res.status, res.status === 200 ? '' : await res.text()]).toEqual([200, '']);
    expect((await deployment()).metadata.annotations).toEqual({ note: '[front{' });
  });

  it('still applies a legitimate object close to the size limit, as YAML and as JSON', async () => {
    const read = async () => (await (await harness.api('/api/v1/namespaces/team-a/configmaps/big')).json()) as Record<string, any>;
    const data = Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`key-${i}`, `${i}-${'v'.repeat(440)}`]));
    const asYaml = stringify({ ...(await read()), data }, { lineWidth: 0 });
    expect(asYaml.length).toBeGreaterThan(900_000);
    const path = `${base}/configmaps/team-a/big`;
    const yamlRes = await send({ method: 'PUT', path, contentType: 'application/yaml' }, asYaml);
    expect(yamlRes.status).toBe(200);
    expect((await read()).data['key-1999']).toBe(data['key-1999']);
    const current = await read();
    const jsonRes = await send({ method: 'PUT', path, contentType: 'application/json' }, JSON.stringify({ ...current, metadata: { ...current.metadata, annotations: { edited: 'as JSON' } } }));
    expect(jsonRes.status).toBe(200);
    expect((await read()).metadata.annotations).toEqual({ edited: 'as JSON' });
  });

  it('refuses an edit by someone who may not update the object before reading its body', async () => {
    const carol = await signInAs(portal.url, 'carol');
    const res = await fetch(`${portal.url}${base}/deployments/team-a/web`, {
      method: 'PUT',
      headers: { Cookie: carol.header(), 'X-Crowsnest-CSRF': '1', Origin: portal.url, 'Content-Type': 'application/yaml' },
      body: '{' + ','.repeat(1024 * 1024 - 2) + '}',
    });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { message: string } }).error.message).toBe('deployments.apps "web" is forbidden: User "carol" cannot update resource "deployments" in API group "apps" in the namespace "team-a"');
  });

  it('takes one edit at a time from a person: a second sent meanwhile is 429 with Retry-After', async () => {
    const current = await deployment();
    const edit = (value: string) => send({ method: 'PUT', path: `${base}/deployments/team-a/web`, contentType: 'application/json' }, JSON.stringify({ ...current, metadata: { ...current.metadata, labels: { edit: value } } }));
    // A slow apiserver keeps the first edit in flight while the second arrives.
    harness.sim.faults.latency(1500);
    try {
      const answers = await Promise.all([edit('one'), edit('two')]);
      expect(answers.map((r) => r.status).sort()).toEqual([200, 429]);
      const refused = answers.find((r) => r.status === 429)!;
      expect(refused.headers.get('retry-after')).toBe('1');
      expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/another edit of yours/);
    } finally {
      harness.sim.faults.latency(0);
    }
  });

  it('says an edit without a kind has none', async () => {
    const current = await deployment();
    const res = await send({ method: 'PUT', path: `${base}/deployments/team-a/web`, contentType: 'application/json' }, JSON.stringify({ ...current, kind: undefined }));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toBe('the edit has no kind: it must be a Deployment');
  });
});
