/**
 * The one way Leadgate calls a provider: a timeout, and the answer classified for the retry policy.
 * 2xx: sent. 408, 409, 429 and 5xx: try again later (Retry-After honoured). Other 4xx: the provider
 * refused the content; retrying cannot help. A network error or timeout: try again.
 */
export type SendResult =
  | { ok: true; statusCode: number; reference?: string; body?: unknown }
  | { ok: false; retryable: boolean; statusCode?: number; retryAfterSeconds?: number; error: string };

export type Fetcher = (request: Request) => Promise<Response>;

const RETRYABLE_STATUS = new Set([408, 409, 429]);

/** Retry-After as seconds (delta-seconds or an HTTP date), or undefined. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

export async function callProvider(
  fetcher: Fetcher,
  request: Request,
  opts: { timeoutMs: number; reference?: (res: Response, body: unknown) => string | undefined },
): Promise<SendResult> {
  let res: Response;
  try {
    res = await fetcher(new Request(request, { signal: AbortSignal.timeout(opts.timeoutMs) }));
  } catch (err) {
    const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
    return { ok: false, retryable: true, error: timedOut ? `timed out after ${opts.timeoutMs} ms` : `network error: ${String(err).slice(0, 200)}` };
  }
  const text = await res.text().catch(() => '');
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // keep text
  }
  if (res.ok) return { ok: true, statusCode: res.status, body, reference: opts.reference?.(res, body) };
  const retryable = res.status >= 500 || RETRYABLE_STATUS.has(res.status);
  return {
    ok: false,
    retryable,
    statusCode: res.status,
    retryAfterSeconds: res.status === 429 || res.status === 503 ? parseRetryAfter(res.headers.get('retry-after')) : undefined,
    error: `HTTP ${res.status}: ${text.slice(0, 500)}`,
  };
}
