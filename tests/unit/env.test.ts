// Configuration is validated once, and a bad variable is named in the message.
import { describe, expect, it } from 'vitest';
import { ConfigError, parseEnv } from '../../app/lib/env.server';

const valid = { DATABASE_URL: 'postgres://localhost/wharf' };

describe('parseEnv', () => {
  it('fills defaults', () => {
    const env = parseEnv(valid);
    expect(env).toMatchObject({
      PORT: 3000,
      QUEUE_PREFIX: 'wharf',
      NODE_ENV: 'development',
      REDIS_URL: 'redis://127.0.0.1:6379',
    });
  });

  it('names every bad variable', () => {
    expect(() => parseEnv({ DATABASE_URL: 'mysql://x', PORT: 'eighty', REDIS_URL: 'http://x' })).toThrowError(
      ConfigError,
    );
    try {
      parseEnv({ DATABASE_URL: 'mysql://x', PORT: 'eighty', REDIS_URL: 'http://x' });
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toContain('DATABASE_URL: must be a postgres:// URL');
      expect(message).toContain('PORT');
      expect(message).toContain('REDIS_URL: must be a redis:// URL');
    }
  });

  it('requires a session secret in production', () => {
    expect(() => parseEnv({ ...valid, NODE_ENV: 'production' })).toThrowError(
      /SESSION_SECRET: is required in production/,
    );
    expect(parseEnv({ ...valid, NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(32) }).NODE_ENV).toBe(
      'production',
    );
  });

  it('says how to get a database URL when there is none', () => {
    expect(() => parseEnv({})).toThrowError(/DATABASE_URL: is required/);
  });
});
