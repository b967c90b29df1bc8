import { createExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import type { Delivery } from '../../src/db/schema';
import { DEFAULT_WORKSPACE_ID } from '../../src/domain/workspace';
import { sendDelivery } from '../../src/fanout/destinations';
import { type CapturedMessage, captureLog } from '../../src/integrations/capture/capture-log';
import { call } from '../support/api';
import { providerCalls } from '../support/msw';

const captureConfig = loadConfig({ ...env, PROVIDER_MODE: 'capture' } as Env);
const delivery = (over: Partial<Delivery>): Delivery => ({
  id: crypto.randomUUID(),
  workspaceId: DEFAULT_WORKSPACE_ID,
  eventId: crypto.randomUUID(),
  leadId: null,
  destination: 'email',
  key: 'k',
  payload: {},
  status: 'pending',
  attempts: 1,
  lastError: null,
  lastStatusCode: null,
  lockedUntil: null,
  nextAttemptAt: new Date(),
  enqueuedAt: null,
  deliveredAt: null,
  providerReference: null,
  receiptStatus: null,
  receiptAt: null,
  receiptDetail: null,
  createdAt: new Date(),
  updatedAt: new Date(),
  ...over,
});

describe('capture mode (local development)', () => {
  it('records an email as the person would read it, sends nothing, and shows it on /dev/captured', async () => {
    const marker = `capture-${crypto.randomUUID().slice(0, 8)}@acme-test.com`;
    const before = providerCalls.length;
    const result = await sendDelivery(
      env,
      captureConfig,
      delivery({
        payload: {
          template: 'lead_confirmation',
          to: [{ email: marker, name: 'Ada' }],
          data: { name: 'Ada', source: 'pricing' },
          attachments: [{ filename: 'invite.ics', contentType: 'text/calendar', content: 'BEGIN:VCALENDAR' }],
        },
      }),
    );
    expect(result).toMatchObject({ ok: true });
    expect(providerCalls.length).toBe(before);
    const [entry] = (await captureLog(env).list(1)) as CapturedMessage[];
    expect(entry).toMatchObject({
      kind: 'email',
      data: { to: [{ email: marker, name: 'Ada' }], subject: 'Thanks — we received your request', template_data: { name: 'Ada', source: 'pricing' } },
    });
    expect((entry!.data as { html: string }).html).toContain('Hi Ada,');

    const page = await call('/dev/captured');
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(marker);
    expect(html).toContain('invite.ics');
  });

  it('records a CRM call with the exact request the real client built, secrets redacted', async () => {
    const marker = `crm-${crypto.randomUUID().slice(0, 8)}@acme-test.com`;
    const result = await sendDelivery(
      env,
      captureConfig,
      delivery({ destination: 'crm', key: 'hubspot', payload: { leadId: 'l', email: marker, status: 'new' } }),
    );
    expect(result).toMatchObject({ ok: true });
    const [entry] = (await captureLog(env).list(1)) as CapturedMessage[];
    expect(entry).toMatchObject({
      kind: 'crm',
      provider: 'hubspot',
      data: { method: 'POST', url: 'https://api.hubapi.com/crm/v3/objects/contacts/batch/upsert', headers: { authorization: '[redacted]' } },
    });
    expect(JSON.stringify(entry!.data)).toContain(marker);
  });

  it('is not served in production', async () => {
    const { NEON_WS_PROXY, ...rest } = env as unknown as Record<string, unknown>;
    const production = { ...rest, ENVIRONMENT: 'production' } as unknown as Env;
    const res = await createApp().fetch(new Request('https://api.example.com/dev/captured'), production, createExecutionContext());
    expect(res.status).toBe(404);
  });

  it('is refused by the configuration in production', () => {
    expect(() => loadConfig({ ...env, ENVIRONMENT: 'production', NEON_WS_PROXY: undefined, PROVIDER_MODE: 'capture' } as unknown as Env).delivery).toThrow(
      /PROVIDER_MODE/,
    );
    expect(() => loadConfig({ ...env, ENVIRONMENT: 'production', NEON_WS_PROXY: undefined, TURNSTILE_MODE: 'local' } as unknown as Env).turnstile).toThrow(
      /TURNSTILE_MODE/,
    );
  });
});
