import { z } from '@hono/zod-openapi';
import type { BookingAction } from '../../domain/booking-link';
import { escapeHtml } from '../../domain/text';
import { defineRoute } from '../../http/route';
import { createRouter } from '../../http/router';
import { BookingIdParam, BookingLinkQuery } from '../../http/schemas/demo';
import { serviceContext } from '../../http/service-context';
import { verifiedLink } from '../../services/demo-link';
import { ServiceError } from '../../services/errors';

/**
 * What a person gets when they click the cancel or reschedule link in their invite: a page (a GET never
 * changes anything, so mail scanners that open links are harmless) whose button makes the POST.
 */

function page(title: string, body: string, script = ''): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:560px;margin:3em auto;padding:0 1em;color:#1f2933;line-height:1.5}
button{font:inherit;padding:.5em 1em;margin:.25em 0;border-radius:6px;border:1px solid #9aa5b1;background:#fff;cursor:pointer}
button.primary{background:#1f2933;color:#fff}#result{margin-top:1em;font-weight:600}</style></head>
<body><h1>${escapeHtml(title)}</h1>${body}<p id="result" role="status"></p><script>${script}</script></body></html>`;
}

const post = (bodyExpr: string) => `async function send(payload) {
  const res = await fetch(location.pathname + location.search, { method: 'POST', headers: { 'content-type': 'application/json' }, body: ${bodyExpr} });
  const data = await res.json().catch(() => ({}));
  return { ok: res.ok, data };
}`;

const CANCEL_SCRIPT = `${post('undefined')}
document.getElementById('go').onclick = async (e) => {
  e.target.disabled = true;
  const { ok, data } = await send();
  document.getElementById('result').textContent = ok ? 'Your demo is cancelled. You will get a cancellation for your calendar by email.' : (data.detail || 'Something went wrong. Please reply to your invite email.');
};`;

/** A value as a JavaScript literal that is safe inside a <script> element. */
const jsLiteral = (v: unknown) => JSON.stringify(v).replaceAll('<', '\\u003c').replaceAll('>', '\\u003e').replaceAll('&', '\\u0026');

/** The slot picker lists only the booking's own host: a move stays with the same host. */
const rescheduleScript = (hostId: string, siteKey: string | null) => `${post('JSON.stringify(payload)')}
const host = ${jsLiteral(hostId)};
const site = ${jsLiteral(siteKey)};
const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
const list = document.getElementById('slots');
const fmt = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', timeZone: tz });
fetch('/api/v1/demo/availability?tz=' + encodeURIComponent(tz) + '&host=' + encodeURIComponent(host) + (site ? '&site_key=' + encodeURIComponent(site) : '')).then((r) => r.json()).then((data) => {
  const slots = (data.slots || []).slice(0, 30);
  list.textContent = slots.length ? '' : 'No free times in the coming weeks. Please reply to your invite email.';
  for (const slot of slots) {
    const b = document.createElement('button');
    b.textContent = fmt.format(new Date(slot.start));
    b.onclick = async () => {
      list.querySelectorAll('button').forEach((x) => (x.disabled = true));
      const { ok, data } = await send({ start: slot.start });
      document.getElementById('result').textContent = ok ? 'Moved to ' + fmt.format(new Date(slot.start)) + '. An updated invite is on its way.' : (data.detail || 'Something went wrong. Please reply to your invite email.');
      if (!ok) list.querySelectorAll('button').forEach((x) => (x.disabled = false));
    };
    list.appendChild(b);
    list.appendChild(document.createElement('br'));
  }
});`;

const PAGES: Record<BookingAction, { title: string; body: string; script: (hostId: string, siteKey: string | null) => string }> = {
  cancel: {
    title: 'Cancel your demo',
    body: '<p>Do you want to cancel your demo call? You can book another time on our website whenever you like.</p><button id="go" class="primary">Yes, cancel my demo</button>',
    script: () => CANCEL_SCRIPT,
  },
  reschedule: {
    title: 'Pick a new time for your demo',
    body: '<p>Times are shown in your time zone. Choose one and your invite is updated.</p><div id="slots">Loading free times…</div>',
    script: rescheduleScript,
  },
};

function pageRoute(action: BookingAction) {
  return defineRoute('link', {
    method: 'get',
    path: `/demo/bookings/{id}/${action}`,
    tags: ['Demo'],
    summary: action === 'cancel' ? 'The page behind the cancel link' : 'The page behind the reschedule link',
    description: `What the link in the invite email opens: a page whose button makes the POST to this same URL. Opening it changes nothing.`,
    request: { params: BookingIdParam, query: BookingLinkQuery },
    responses: {
      200: { description: 'The page.', content: { 'text/html': { schema: z.string() } } },
      403: { description: 'The link is not valid for this booking.', content: { 'text/html': { schema: z.string() } } },
    },
  });
}

function pageHandler(action: BookingAction) {
  return createRouter().openapi(pageRoute(action), async (c) => {
    const { id } = c.req.valid('param');
    const { token } = c.req.valid('query');
    let hostId: string;
    try {
      hostId = (await verifiedLink(serviceContext(c), id, token, action)).host_id;
    } catch (err) {
      if (!(err instanceof ServiceError)) throw err;
      return c.html(page('This link is not valid', '<p>Please use the link from your latest invite email, or reply to it.</p>'), 403);
    }
    const p = PAGES[action];
    // The slot picker asks for the free times of this booking's own site.
    const siteKey = c.var.workspace.isDefault ? null : c.var.workspace.siteKey;
    return c.html(page(p.title, p.body, p.script(hostId, siteKey)), 200);
  });
}

export const bookingPages = createRouter().route('/', pageHandler('cancel')).route('/', pageHandler('reschedule'));
