import type { Config } from '../../config';
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

const MISCONFIGURED = new Set(['missing-input-secret', 'invalid-input-secret']);

/** Cloudflare Turnstile siteverify, with a timeout and one retry under the same idempotency key. */
export class TurnstileVerifier implements CaptchaVerifier {
  constructor(
    private readonly config: Pick<Config, 'TURNSTILE_SECRET_KEY' | 'TURNSTILE_VERIFY_URL' | 'TURNSTILE_HOSTNAMES' | 'TURNSTILE_TIMEOUT_MS'>,
    private readonly fetcher: typeof fetch = fetch,
  ) {}

  async verify(check: CaptchaCheck): Promise<CaptchaOutcome> {
    const result = (await this.call(check)) ?? (await this.call(check));
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
    const hostnames = this.config.TURNSTILE_HOSTNAMES;
    if (hostnames.length > 0 && !hostnames.includes(result.hostname ?? '')) {
      return { ok: false, reason: 'hostname_mismatch', errorCodes: [] };
    }
    if (result.action !== check.expectedAction) return { ok: false, reason: 'action_mismatch', errorCodes: [] };
    return { ok: true };
  }

  /** One siteverify call; undefined when Cloudflare could not be reached or answered with a 5xx. */
  private async call(check: CaptchaCheck): Promise<SiteverifyResponse | undefined> {
    try {
      const res = await this.fetcher(this.config.TURNSTILE_VERIFY_URL, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          secret: this.config.TURNSTILE_SECRET_KEY,
          response: check.token,
          remoteip: check.remoteIp,
          idempotency_key: check.idempotencyKey,
        }),
        signal: AbortSignal.timeout(this.config.TURNSTILE_TIMEOUT_MS),
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
