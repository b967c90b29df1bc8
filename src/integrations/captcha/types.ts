export interface CaptchaCheck {
  token: string;
  remoteIp: string;
  /** Lets siteverify be retried safely for one single-use token. */
  idempotencyKey: string;
  /** The widget's `action` this endpoint expects (e.g. "lead"). */
  expectedAction: string;
}

export type CaptchaOutcome =
  | { ok: true }
  | {
      ok: false;
      /** invalid: the visitor failed or forged it; unavailable: we could not ask (fail closed). */
      reason: 'invalid' | 'spent_or_expired' | 'hostname_mismatch' | 'action_mismatch' | 'unavailable';
      errorCodes: string[];
    };

export interface CaptchaVerifier {
  verify(check: CaptchaCheck): Promise<CaptchaOutcome>;
}
