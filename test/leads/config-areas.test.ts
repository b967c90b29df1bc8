import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app';
import { ConfigError, loadConfig } from '../../src/config';
import { uniqueEmail, uniqueIp } from '../support/api';

const app = createApp();
async function post(envOverride: Record<string, unknown>, path: string, body: unknown) {
  const ctx = createExecutionContext();
  const res = await app.fetch(
    new Request(`https://api.example.com${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'cf-connecting-ip': uniqueIp() },
      body: JSON.stringify(body),
    }),
    { ...env, ...envOverride } as Env,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return res;
}

describe('configuration is parsed per area: a bad value breaks only the feature that needs it', () => {
  it('a short BOOKING_LINK_SECRET names the variable and demo booking, and leaves lead capture working', async () => {
    const broken = { ...env, BOOKING_LINK_SECRET: 'too-short' } as Env;
    expect(() => loadConfig(broken).demo).toThrow(ConfigError);
    expect(() => loadConfig(broken).demo).toThrow(/BOOKING_LINK_SECRET must be at least 32 characters/);
    try {
      loadConfig(broken).demo;
    } catch (err) {
      expect((err as ConfigError).feature).toBe('demo booking');
    }
    expect(loadConfig(broken).core.publicOrigin).toBe('https://api.example.com');

    const demo = await post({ BOOKING_LINK_SECRET: 'too-short' }, '/api/v1/demo-request', {
      name: 'Jane',
      email: uniqueEmail('cfg'),
      company: 'Acme',
      start: new Date(Date.now() + 86_400_000).toISOString(),
      time_zone: 'Europe/Berlin',
      turnstile_token: 'XXXX.DUMMY.TOKEN.XXXX',
    });
    expect(demo.status).toBe(503);
    const problem = (await demo.json()) as { code: string; detail: string };
    expect(problem).toMatchObject({ code: 'service_unavailable', detail: 'This feature (demo booking) is not available right now.' });
    expect(JSON.stringify(problem)).not.toContain('BOOKING_LINK_SECRET');

    const lead = await post({ BOOKING_LINK_SECRET: 'too-short' }, '/api/v1/leads', {
      email: uniqueEmail('cfg'),
      source: 'pricing',
      plan: 'growth',
      turnstile_token: 'XXXX.DUMMY.TOKEN.XXXX',
    });
    expect(lead.status).toBe(202);
  });

  it('an area is parsed once per env and reads only its own variables', () => {
    const config = loadConfig(env);
    expect(config.demo).toBe(config.demo);
    expect(Object.keys(config.turnstile).sort()).toEqual(['enabled', 'hostnames', 'mode', 'secretKey', 'timeoutMs', 'verifyUrl']);
  });
});
