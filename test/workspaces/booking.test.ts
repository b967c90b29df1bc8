import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { berlinSlot, demoRequest, demoSiteverify, pathOf } from '../demo/support';
import { call, postJson } from '../support/api';
import { server } from '../support/msw';
import { configure, createWorkspace, type TestWorkspace } from '../support/workspaces';

let ws: TestWorkspace;
beforeAll(async () => {
  ws = await createWorkspace('demo');
  // The same host id as the default site's Berlin host: each workspace's host has a calendar of its own.
  const berlin = loadConfig(env).demo.hosts.find((h) => h.id === 'berlin')!;
  await configure(ws, { turnstile_hostnames: ['www.example.com'], demo_hosts: [{ ...berlin, email: 'berta@site-demo.test' }] });
});

const bookIn = (start: number, siteKey?: string) =>
  postJson('/api/v1/demo-request', demoRequest(start), siteKey ? { 'x-site-key': siteKey } : {}).then(async (res) => ({
    res,
    body: (await res.json()) as any,
  }));

describe('demo bookings per workspace', () => {
  it('books a slot once per workspace under concurrency, and the same slot of the same-named host in another workspace is free', async () => {
    server.use(demoSiteverify);
    const start = berlinSlot(16, '10:00');
    const results = await Promise.all([...Array.from({ length: 4 }, () => bookIn(start)), ...Array.from({ length: 4 }, () => bookIn(start, ws.siteKey))]);
    const statuses = (from: number) =>
      results
        .slice(from, from + 4)
        .map((r) => r.res.status)
        .sort();
    expect(statuses(0)).toEqual([201, 409, 409, 409]);
    expect(statuses(4)).toEqual([201, 409, 409, 409]);
  });

  it("gives a workspace's booking links that name it, and refuses them presented as another workspace's", async () => {
    server.use(demoSiteverify);
    const { res, body } = await bookIn(berlinSlot(17, '11:00'), ws.siteKey);
    expect(res.status).toBe(201);
    const cancel = new URL(body.cancel_url);
    expect(cancel.searchParams.get('ws')).toBe(ws.slug);
    // The page behind the link opens; with `ws` taken off (the default site), the link is not genuine.
    expect((await call(pathOf(body.reschedule_url))).status).toBe(200);
    const stripped = new URL(body.cancel_url);
    stripped.searchParams.delete('ws');
    expect((await call(pathOf(stripped.toString()), { method: 'POST' })).status).toBe(403);
    const cancelled = await call(pathOf(body.cancel_url), { method: 'POST' });
    expect(cancelled.status).toBe(200);
  });
});
