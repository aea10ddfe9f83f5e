import { describe, expect, it } from 'vitest';
import { readAuthSettings } from '@/server/auth/authSettings';
import { groupsFromClaim, isSafeIdentity } from '@/server/auth/identity';

const secret = 's'.repeat(40);

describe('sign-in settings', () => {
  it('defaults to dev sign-in outside production', () => {
    expect(readAuthSettings({ NEXTAUTH_SECRET: secret }).mode).toBe('dev');
  });

  it('refuses dev sign-in in production unless explicitly allowed', () => {
    expect(() => readAuthSettings({ NODE_ENV: 'production', CROWSNEST_AUTH: 'dev', NEXTAUTH_SECRET: secret })).toThrow(/CROWSNEST_ALLOW_DEV_AUTH/);
    expect(readAuthSettings({ NODE_ENV: 'production', CROWSNEST_AUTH: 'dev', CROWSNEST_ALLOW_DEV_AUTH: '1', NEXTAUTH_SECRET: secret }).mode).toBe('dev');
  });

  it('refuses to start in production without NEXTAUTH_SECRET', () => {
    expect(() => readAuthSettings({ NODE_ENV: 'production', CROWSNEST_AUTH: 'oidc' })).toThrow(/NEXTAUTH_SECRET is not set/);
  });

  it('names the missing OIDC settings', () => {
    expect(() => readAuthSettings({ CROWSNEST_AUTH: 'oidc', NEXTAUTH_SECRET: secret, OIDC_ISSUER: 'https://id.example' })).toThrow(/OIDC_CLIENT_ID, OIDC_CLIENT_SECRET/);
  });

  it('rejects an unknown mode', () => {
    expect(() => readAuthSettings({ CROWSNEST_AUTH: 'ldap', NEXTAUTH_SECRET: secret })).toThrow(/"oidc" or "dev"/);
  });

  it('reads the groups claim name, defaulting to groups', () => {
    const base = { CROWSNEST_AUTH: 'oidc', NEXTAUTH_SECRET: secret, OIDC_ISSUER: 'https://id.example/', OIDC_CLIENT_ID: 'c', OIDC_CLIENT_SECRET: 's' };
    expect(readAuthSettings(base).oidc).toMatchObject({ issuer: 'https://id.example', groupsClaim: 'groups' });
    expect(readAuthSettings({ ...base, OIDC_GROUPS_CLAIM: 'roles' }).oidc?.groupsClaim).toBe('roles');
  });
});

describe('identities from a provider', () => {
  it('refuses names that could split or smuggle a header', () => {
    expect(isSafeIdentity('alice')).toBe(true);
    expect(isSafeIdentity('alice\r\nImpersonate-Group: system:masters')).toBe(false);
    expect(isSafeIdentity('alice\n')).toBe(false);
    expect(isSafeIdentity(' alice')).toBe(false);
    expect(isSafeIdentity('')).toBe(false);
    expect(isSafeIdentity(42)).toBe(false);
  });

  it('keeps safe groups, drops unsafe ones, and accepts a single string or nothing', () => {
    expect(groupsFromClaim(['team-a', 'bad\ngroup', 'team-a', 'ops,admins'])).toEqual(['team-a', 'ops,admins']);
    expect(groupsFromClaim('team-b')).toEqual(['team-b']);
    expect(groupsFromClaim(undefined)).toEqual([]);
  });
});
