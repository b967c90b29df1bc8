import { and, eq, lte, sql } from 'drizzle-orm';
import { Hono } from 'hono';
import { html, raw } from 'hono/html';
import { deliveries } from '../../db/schema';
import { inWorkspace } from '../../db/tenant';
import { escapeHtml } from '../../domain/text';
import { localQueueGauge } from '../../durable-objects/local-queue-gauge';
import type { AppEnv } from '../../http/types';
import { type CapturedMessage, captureLog } from '../../integrations/capture/capture-log';
import { ServiceError } from '../../services/errors';
import { allWorkspaces } from '../../services/workspaces';

function renderEntry(e: CapturedMessage): string {
  const head = `<div class="meta"><span class="kind ${escapeHtml(e.kind)}">${escapeHtml(e.kind)}</span> ${escapeHtml(e.provider)} · ${escapeHtml(e.at)}</div><h3>${escapeHtml(e.summary)}</h3>`;
  if (e.kind === 'email') {
    const d = e.data as {
      to: Array<{ email: string; name?: string }>;
      from: { email: string; name?: string };
      subject: string;
      html: string;
      text: string;
      attachments: Array<{ filename: string; contentType: string; content: string }>;
    };
    const attachments = (d.attachments ?? [])
      .map((a) => `<details><summary>📎 ${escapeHtml(a.filename)} (${escapeHtml(a.contentType)})</summary><pre>${escapeHtml(a.content)}</pre></details>`)
      .join('');
    // The email's own HTML is shown sandboxed (no scripts, no same-origin), as a mail client would.
    return (
      `${head}<div class="hdr">From: ${escapeHtml(d.from?.name)} &lt;${escapeHtml(d.from?.email)}&gt;<br>To: ${d.to.map((t) => escapeHtml(t.email)).join(', ')}<br>Subject: <b>${escapeHtml(d.subject)}</b></div>` +
      `<iframe sandbox srcdoc="${escapeHtml(d.html)}"></iframe>${attachments}<details><summary>Plain text</summary><pre>${escapeHtml(d.text)}</pre></details>`
    );
  }
  return `${head}<pre>${escapeHtml(JSON.stringify(e.data, null, 2))}</pre>`;
}

/**
 * GET /dev/captured (HTML) and /dev/captured.json: what capture mode recorded instead of sending, newest
 * first. Not served in production.
 */
export const devRouter = new Hono<AppEnv>()
  .use('*', async (c, next) => {
    if (c.var.config.core.environment === 'production') throw new ServiceError('not_found', { detail: 'No such endpoint.' });
    return next();
  })
  // What stopping `npm run dev` now would lose: events still on the in-memory queue, deliveries due now.
  .get('/queues', async (c) => {
    const events = c.var.config.core.localQueueGauge ? await localQueueGauge(c.env).outstanding() : null;
    let deliveriesDue = 0;
    for (const workspace of await allWorkspaces(c.env, c.var.database.db)) {
      const [row] = await inWorkspace(c.var.database.db, workspace.id, (db) =>
        db
          .select({ n: sql<number>`count(*)::int` })
          .from(deliveries)
          .where(and(eq(deliveries.status, 'pending'), lte(deliveries.nextAttemptAt, sql`now()`))),
      );
      deliveriesDue += row?.n ?? 0;
    }
    return c.json({ events_outstanding: events, deliveries_due: deliveriesDue });
  })
  .get('/captured.json', async (c) => c.json({ items: await captureLog(c.env).list(200) }))
  .post('/captured/clear', async (c) => {
    await captureLog(c.env).clear();
    return c.redirect('/dev/captured', 303);
  })
  .get('/captured', async (c) => {
    const items = (await captureLog(c.env).list(100)) as CapturedMessage[];
    return c.html(html`<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="refresh" content="5"><title>Leadgate: captured messages</title>
<style>body{font-family:system-ui,sans-serif;max-width:960px;margin:2em auto;color:#1f2933}article{border:1px solid #d9e2ec;border-radius:8px;padding:1em;margin:1em 0}
iframe{width:100%;height:360px;border:1px solid #e4e7eb;border-radius:4px}pre{background:#f5f7fa;padding:.8em;overflow:auto;font-size:12px}.meta{color:#52606d;font-size:13px}
.kind{display:inline-block;padding:0 .5em;border-radius:4px;background:#e4e7eb}.kind.email{background:#d9f2e6}.kind.crm{background:#e0e8f9}.hdr{font-size:14px;margin:.5em 0}</style></head>
<body><h1>Captured messages</h1><p>${items.length} captured message(s), newest first. Refreshes every 5 s. <form method="post" action="/dev/captured/clear" style="display:inline"><button>Clear</button></form></p>
${raw(items.map((e) => `<article>${renderEntry(e)}</article>`).join('') || '<p>Nothing sent yet. Post a lead and watch it arrive here.</p>')}</body></html>`);
  });
