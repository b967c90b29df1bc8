import type { Config } from '../../config';
import { backoffMs } from '../../domain/backoff';
import { describeError, logger } from '../../logger';
import type { CaptchaCheck, CaptchaOutcome, CaptchaVerifier } from './types';

/** https://developers.cloudflare.com/turnstile/get-started/server-side-validation/ */
interface SiteverifyResponse {
  success: boolean;
  challenge_ts?: string;
  hostname?: string;
  'error-codes'?: string[];
  action?: string;
  cdata?: string;
}

/** A network error or a 5xx is retried once, 100–200 ms later. */
const RETRY = { baseSeconds: 0.2, maxSeconds: 0.2, jitter: true };

const MISCONFIGURED = new Set(['missing-input-secret', 'invalid-input-secret']);

/** Cloudflare Turnstile siteverify, with a timeout and one retry under the same idempotency key. */
export class TurnstileVerifier implements CaptchaVerifier {
  constructor(
    private readonly config: Pick<Config['turnstile'], 'secretKey' | 'verifyUrl' | 'hostnames' | 'timeoutMs'>,
    private readonly fetcher: typeof fetch = fetch,
  ) {}

  async verify(check: CaptchaCheck): Promise<CaptchaOutcome> {
    const result = (await this.call(check)) ?? (await this.callAgain(check));
    if (!result) return { ok: false, reason: 'unavailable', errorCodes: ['unreachable'] };
    const codes = result['error-codes'] ?? [];
    if (!result.success) {
      if (codes.some((c) => MISCONFIGURED.has(c))) {
        logger.error('captcha.misconfigured', { error_codes: codes });
        return { ok: false, reason: 'unavailable', errorCodes: codes };
      }
      if (codes.includes('internal-error')) return { ok: false, reason: 'unavailable', errorCodes: codes };
      if (codes.includes('timeout-or-duplicate')) return { ok: false, reason: 'spent_or_expired', errorCodes: codes };
      return { ok: false, reason: 'invalid', errorCodes: codes };
    }
    const hostnames = this.config.hostnames;
    if (hostnames.length > 0 && !hostnames.includes(result.hostname ?? '')) {
      return { ok: false, reason: 'hostname_mismatch', errorCodes: [] };
    }
    if (result.action !== check.expectedAction) return { ok: false, reason: 'action_mismatch', errorCodes: [] };
    return { ok: true };
  }

  /** The one retry: after a short jittered pause, under the same idempotency key (tokens are single-use). */
  private async callAgain(check: CaptchaCheck): Promise<SiteverifyResponse | undefined> {
    await new Promise((r) => setTimeout(r, backoffMs(1, RETRY)));
    return this.call(check);
  }

  /** One siteverify call; undefined when Cloudflare could not be reached or answered with a 5xx. */
  private async call(check: CaptchaCheck): Promise<SiteverifyResponse | undefined> {
    try {
      const res = await this.fetcher(this.config.verifyUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          secret: this.config.secretKey,
          response: check.token,
          remoteip: check.remoteIp,
          idempotency_key: check.idempotencyKey,
        }),
        signal: AbortSignal.timeout(this.config.timeoutMs),
      });
      if (res.status >= 500) {
        logger.warn('captcha.siteverify_unavailable', { status: res.status });
        return undefined;
      }
      return (await res.json()) as SiteverifyResponse;
    } catch (err) {
      logger.warn('captcha.siteverify_unreachable', { error: describeError(err) });
      return undefined;
    }
  }
}
