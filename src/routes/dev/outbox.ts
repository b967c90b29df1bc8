import { Hono } from 'hono';
import { html, raw } from 'hono/html';
import { devOutbox, type OutboxEntry } from '../../integrations/capture/dev-outbox';
import { ApiError } from '../../http/errors';
import { and, eq, lte, sql } from 'drizzle-orm';
import { deliveries } from '../../db/schema';
import { localQueueGauge } from '../../durable-objects/local-queue-gauge';
import { withDatabase } from '../../http/database';
import type { AppEnv } from '../../http/types';

const esc = (v: unknown) => String(v ?? '').replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

function renderEntry(e: OutboxEntry): string {
  const head = `<div class="meta"><span class="kind ${esc(e.kind)}">${esc(e.kind)}</span> ${esc(e.provider)} · ${esc(e.at)}</div><h3>${esc(e.summary)}</h3>`;
  if (e.kind === 'email') {
    const d = e.data as { to: Array<{ email: string; name?: string }>; from: { email: string; name?: string }; subject: string; html: string; text: string; attachments: Array<{ filename: string; contentType: string; content: string }> };
    const attachments = (d.attachments ?? []).map((a) => `<details><summary>📎 ${esc(a.filename)} (${esc(a.contentType)})</summary><pre>${esc(a.content)}</pre></details>`).join('');
    // The email's own HTML is shown sandboxed (no scripts, no same-origin), as a mail client would.
    return `${head}<div class="hdr">From: ${esc(d.from?.name)} &lt;${esc(d.from?.email)}&gt;<br>To: ${d.to.map((t) => esc(t.email)).join(', ')}<br>Subject: <b>${esc(d.subject)}</b></div>` +
      `<iframe sandbox srcdoc="${esc(d.html)}"></iframe>${attachments}<details><summary>Plain text</summary><pre>${esc(d.text)}</pre></details>`;
  }
  return `${head}<pre>${esc(JSON.stringify(e.data, null, 2))}</pre>`;
}

/**
 * GET /dev/outbox (HTML) and /dev/outbox.json: what capture mode recorded instead of sending, newest
 * first. Not served in production.
 */
export const devRouter = new Hono<AppEnv>()
  .use('*', async (c, next) => {
    if (c.var.config.ENVIRONMENT === 'production') throw new ApiError('not_found', { detail: 'No such endpoint.' });
    return next();
  })
  // What stopping `npm run dev` now would lose: events still on the in-memory queue, deliveries due now.
  .get('/queues', async (c) => {
    const events = c.var.config.LOCAL_QUEUE_GAUGE ? await localQueueGauge(c.env).outstanding() : null;
    const deliveriesDue = await withDatabase(c, async (db) => {
      const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(deliveries).where(and(eq(deliveries.status, 'pending'), lte(deliveries.nextAttemptAt, sql`now()`)));
      return row?.n ?? 0;
    });
    return c.json({ events_outstanding: events, deliveries_due: deliveriesDue });
  })
  .get('/outbox.json', async (c) => c.json({ items: await devOutbox(c.env).list(200) }))
  .post('/outbox/clear', async (c) => {
    await devOutbox(c.env).clear();
    return c.redirect('/dev/outbox', 303);
  })
  .get('/outbox', async (c) => {
    const items = (await devOutbox(c.env).list(100)) as OutboxEntry[];
    return c.html(html`<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="refresh" content="5"><title>Leadgate dev outbox</title>
<style>body{font-family:system-ui,sans-serif;max-width:960px;margin:2em auto;color:#1f2933}article{border:1px solid #d9e2ec;border-radius:8px;padding:1em;margin:1em 0}
iframe{width:100%;height:360px;border:1px solid #e4e7eb;border-radius:4px}pre{background:#f5f7fa;padding:.8em;overflow:auto;font-size:12px}.meta{color:#52606d;font-size:13px}
.kind{display:inline-block;padding:0 .5em;border-radius:4px;background:#e4e7eb}.kind.email{background:#d9f2e6}.kind.crm{background:#e0e8f9}.hdr{font-size:14px;margin:.5em 0}</style></head>
<body><h1>Dev outbox</h1><p>${items.length} captured message(s), newest first. Refreshes every 5 s. <form method="post" action="/dev/outbox/clear" style="display:inline"><button>Clear</button></form></p>
${raw(items.map((e) => `<article>${renderEntry(e)}</article>`).join('') || '<p>Nothing sent yet. Post a lead and watch it arrive here.</p>')}</body></html>`);
  });
