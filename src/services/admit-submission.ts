import { clientNetwork } from '../domain/network';
import { type LimitDecision, refundLimit, takeLimit } from '../durable-objects/rate-limiter';
import { captchaVerifier } from '../integrations/captcha';
import { emailDomain, logger } from '../logger';
import { ServiceError } from '../services/errors';
import type { ServiceContext } from './context';

export interface AdmissionInput {
  emailNormalized?: string;
  clientIp: string;
  turnstileToken: string;
  /** The Turnstile widget action this form uses. */
  action: string;
  /** Used as siteverify's idempotency key. */
  eventId: string;
}

/**
 * The gate in front of every public write: Turnstile, the per-email limit and the per-network limit,
 * asked concurrently. A failed captcha still costs its network an attempt, but not the email it named.
 */
export async function admitSubmission({ ctx, input }: { ctx: ServiceContext; input: AdmissionInput }): Promise<void> {
  const { env } = ctx;
  const { limits } = ctx.config;
  const [captcha, byEmail, byIp] = await Promise.all([
    captchaVerifier(ctx.config.turnstile).verify({
      token: input.turnstileToken,
      remoteIp: input.clientIp,
      idempotencyKey: input.eventId,
      expectedAction: input.action,
    }),
    input.emailNormalized
      ? takeLimit(env.RATE_LIMITER, ctx.workspace.id, `email:${input.emailNormalized}`, limits.perEmail.limit, limits.perEmail.windowSeconds)
      : Promise.resolve<LimitDecision | undefined>(undefined),
    takeLimit(env.RATE_LIMITER, ctx.workspace.id, `ip:${clientNetwork(input.clientIp)}`, limits.perNetwork.limit, limits.perNetwork.windowSeconds),
  ]);

  const refused = [byEmail, byIp].filter((d): d is LimitDecision => !!d && !d.allowed);
  if (refused.length > 0) {
    const retryAfter = Math.max(...refused.map((d) => d.retryAfterSeconds));
    const which = byEmail && !byEmail.allowed ? 'this email address' : 'your network';
    logger.warn('admission.rate_limited', {
      request_id: ctx.requestId,
      by: which === 'your network' ? 'ip' : 'email',
      email_domain: input.emailNormalized && emailDomain(input.emailNormalized),
    });
    throw new ServiceError('rate_limited', {
      detail: `Too many submissions from ${which}. Please try again in ${formatWait(retryAfter)}.`,
      retryAfterSeconds: retryAfter,
    });
  }

  if (!captcha.ok) {
    // Not a person, or not this person: give the email its attempt back, so that forged requests in
    // someone's name cannot lock them out of the forms.
    if (byEmail?.countedAt && input.emailNormalized) {
      await refundLimit(env.RATE_LIMITER, ctx.workspace.id, `email:${input.emailNormalized}`, byEmail.countedAt).catch(() => undefined);
    }
    logger.warn('admission.captcha_refused', { request_id: ctx.requestId, reason: captcha.reason, error_codes: captcha.errorCodes });
    if (captcha.reason === 'unavailable') {
      throw new ServiceError('captcha_unavailable', { retryAfterSeconds: 5 });
    }
    throw new ServiceError('captcha_failed', {
      detail:
        captcha.reason === 'spent_or_expired'
          ? 'The captcha token has expired or was already used. Please complete the captcha again.'
          : 'We could not verify that you are human. Please complete the captcha again.',
    });
  }
}

function formatWait(seconds: number): string {
  if (seconds < 90) return `${seconds} seconds`;
  return `${Math.ceil(seconds / 60)} minutes`;
}
