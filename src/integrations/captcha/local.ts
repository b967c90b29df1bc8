import type { CaptchaCheck, CaptchaOutcome, CaptchaVerifier } from './types';

/**
 * Offline twin of siteverify for `npm run dev`, which cannot reach Cloudflare. It answers the way
 * Cloudflare answers for its documented test secrets: 1x…AA passes any token, 2x…AA always fails,
 * 3x…AA reports the token as already spent. Configuration refuses this mode in production.
 */
export class LocalTurnstile implements CaptchaVerifier {
  constructor(private readonly secret: string) {}

  async verify(check: CaptchaCheck): Promise<CaptchaOutcome> {
    if (!check.token) return { ok: false, reason: 'invalid', errorCodes: ['missing-input-response'] };
    if (this.secret.startsWith('2x')) return { ok: false, reason: 'invalid', errorCodes: ['invalid-input-response'] };
    if (this.secret.startsWith('3x')) return { ok: false, reason: 'spent_or_expired', errorCodes: ['timeout-or-duplicate'] };
    return { ok: true };
  }
}

/** Used only when TURNSTILE_ENABLED=false (refused in production). */
export class DisabledCaptcha implements CaptchaVerifier {
  async verify(): Promise<CaptchaOutcome> {
    return { ok: true };
  }
}
