import type { Fetcher } from '../provider-call';
import type { CaptureSink } from './capture-log';

const SECRET_HEADERS = new Set(['authorization', 'x-api-token', 'x-amz-security-token', 'x-amz-date']);

/** What each provider answers to a successful call, so the real client code runs unchanged in capture mode. */
export function simulatedAnswer(provider: string, request: Request, body = ''): Response {
  const url = new URL(request.url);
  switch (provider) {
    case 'hubspot':
      if (url.pathname.endsWith('/meetings/search')) return Response.json({ total: 0, results: [] });
      if (url.pathname.includes('/meetings'))
        return Response.json({ id: `captured-${crypto.randomUUID().slice(0, 8)}`, properties: {} }, { status: request.method === 'POST' ? 201 : 200 });
      return Response.json({ status: 'COMPLETE', results: [{ id: `captured-${crypto.randomUUID().slice(0, 8)}`, new: true, properties: {} }] });
    case 'pipedrive':
      if (url.pathname.endsWith('/persons/search')) return Response.json({ success: true, data: { items: [] } });
      if (request.method === 'GET') return Response.json({ success: true, data: [] });
      return Response.json({ success: true, data: { id: url.pathname.includes('leads') ? crypto.randomUUID() : 1 } }, { status: 201 });
    case 'monday': {
      const query = body;
      if (query.includes('items_page_by_column_values')) return Response.json({ data: { items_page_by_column_values: { cursor: null, items: [] } } });
      const field = query.includes('change_multiple_column_values') ? 'change_multiple_column_values' : 'create_item';
      return Response.json({ data: { [field]: { id: String(Date.now()) } } });
    }
    case 'twilio':
      return Response.json({ sid: `SM${crypto.randomUUID().replaceAll('-', '')}`, status: 'queued' }, { status: 201 });
    default:
      return new Response(null, { status: 202 });
  }
}

/**
 * A fetch that records the exact request a real provider client built (secrets redacted) on the dev
 * capture log and answers like the provider would. Used for every provider not listed in LIVE_PROVIDERS
 * when PROVIDER_MODE=capture.
 */
export function captureFetch(sink: CaptureSink, kind: string, provider: string): Fetcher {
  return async (request) => {
    const headers: Record<string, string> = {};
    request.headers.forEach((v, k) => {
      headers[k] = SECRET_HEADERS.has(k) ? '[redacted]' : v;
    });
    const text = await request.clone().text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // form-encoded bodies stay text
    }
    sink.add({
      kind,
      provider,
      summary: `${request.method} ${new URL(request.url).pathname}`,
      data: { method: request.method, url: request.url, headers, body },
    });
    return simulatedAnswer(provider, request, text);
  };
}
