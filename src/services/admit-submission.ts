import { refundLimit, takeLimit, type LimitDecision } from '../durable-objects/rate-limiter';
import { ApiError } from '../http/errors';
import { captchaVerifier } from '../integrations/captcha';
import { emailDomain, logger } from '../logger';
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

/** Expands an IPv6 address to its eight groups ("2001:db8::1" → 2001,db8,0,0,0,0,0,1). */
function ipv6Groups(ip: string): number[] {
  let text = ip.toLowerCase().split('%')[0]!;
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const zeros = tail === undefined ? [] : Array(8 - left.length - right.length).fill('0');
  return [...left, ...zeros, ...right].map((g) => parseInt(g, 16) || 0);
}

/**
 * The network a client is limited by: an IPv4 address, or the /64 an IPv6 client owns (one home or
 * phone gets a whole /64). IPv4-mapped IPv6 addresses count as their IPv4 address.
 */
export function clientNetwork(ip: string): string {
  if (!ip.includes(':')) return ip;
  const g = ipv6Groups(ip);
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) return `${g[6]! >> 8}.${g[6]! & 255}.${g[7]! >> 8}.${g[7]! & 255}`;
  return `${g.slice(0, 4).map((x) => x.toString(16)).join(':')}::/64`;
}

/**
 * The gate in front of every public write: Turnstile, the per-email limit and the per-network limit,
 * asked concurrently. A failed captcha still costs its network an attempt, but not the email it named.
 */
export async function admitSubmission({ ctx, input }: { ctx: ServiceContext; input: AdmissionInput }): Promise<void> {
  const { config, env } = ctx;
  const [captcha, byEmail, byIp] = await Promise.all([
    captchaVerifier(config).verify({
      token: input.turnstileToken,
      remoteIp: input.clientIp,
      idempotencyKey: input.eventId,
      expectedAction: input.action,
    }),
    input.emailNormalized
      ? takeLimit(env.RATE_LIMITER, `email:${input.emailNormalized}`, config.LEAD_LIMIT_PER_EMAIL, config.LEAD_LIMIT_EMAIL_WINDOW_SECONDS)
      : Promise.resolve<LimitDecision | undefined>(undefined),
    takeLimit(env.RATE_LIMITER, `ip:${clientNetwork(input.clientIp)}`, config.LEAD_LIMIT_PER_IP, config.LEAD_LIMIT_IP_WINDOW_SECONDS),
  ]);

  const refused = [byEmail, byIp].filter((d): d is LimitDecision => !!d && !d.allowed);
  if (refused.length > 0) {
    const retryAfter = Math.max(...refused.map((d) => d.retryAfterSeconds));
    const which = byEmail && !byEmail.allowed ? 'this email address' : 'your network';
    logger.warn('admission.rate_limited', { request_id: ctx.requestId, by: which === 'your network' ? 'ip' : 'email', email_domain: input.emailNormalized && emailDomain(input.emailNormalized) });
    throw new ApiError('rate_limited', {
      detail: `Too many submissions from ${which}. Please try again in ${formatWait(retryAfter)}.`,
      headers: { 'retry-after': String(retryAfter) },
    });
  }

  if (!captcha.ok) {
    // Not a person, or not this person: give the email its attempt back, so that forged requests in
    // someone's name cannot lock them out of the forms.
    if (byEmail?.countedAt && input.emailNormalized) {
      await refundLimit(env.RATE_LIMITER, `email:${input.emailNormalized}`, byEmail.countedAt).catch(() => undefined);
    }
    logger.warn('admission.captcha_refused', { request_id: ctx.requestId, reason: captcha.reason, error_codes: captcha.errorCodes });
    if (captcha.reason === 'unavailable') {
      throw new ApiError('captcha_unavailable', { headers: { 'retry-after': '5' } });
    }
    throw new ApiError('captcha_failed', {
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
