import { describe, expect, it } from 'vitest';
import { isLoopback, listenHost, readConfig } from '../../server/config';
import { formatLogLine } from '../../server/log';

describe('where the portal listens', () => {
  it('listens on loopback only with the development sign-in, unless HOST is set', () => {
    const config = readConfig({ CROWSNEST_DEMO: '1' }, []);
    expect(config.host).toBeUndefined();
    expect(listenHost(config, 'dev')).toBe('127.0.0.1');
    expect(isLoopback(listenHost(config, 'dev'))).toBe(true);
    expect(listenHost(config, 'oidc')).toBe('0.0.0.0');
    const explicit = readConfig({ CROWSNEST_DEMO: '1', HOST: '0.0.0.0' }, []);
    expect(listenHost(explicit, 'dev')).toBe('0.0.0.0');
    expect(isLoopback('0.0.0.0')).toBe(false);
    expect(isLoopback('::1')).toBe(true);
  });
});

describe('log lines for a person at a terminal', () => {
  const line = (fields: object) => JSON.stringify({ level: 'warn', time: '2026-12-01T14:02:11.123Z', service: 'crowsnest', ...fields });

  it('shows the time of day, the level, the message and the other fields as key=value', () => {
    expect(formatLogLine(line({ topic: 'demo/pods', retryInMs: 500, msg: 'informer error: reconnecting' }), false)).toBe(
      '14:02:11 WARN  informer error: reconnecting  topic=demo/pods retryInMs=500',
    );
  });

  it('prints the serving line as its plain message', () => {
    expect(formatLogLine(line({ level: 'info', banner: true, url: 'http://localhost:3000', msg: 'Crowsnest is serving http://localhost:3000' }), true)).toBe(
      'Crowsnest is serving http://localhost:3000',
    );
  });

  it('passes through what is not a JSON line', () => {
    expect(formatLogLine('✓ Running next.config.ts', false)).toBe('✓ Running next.config.ts');
  });
});
