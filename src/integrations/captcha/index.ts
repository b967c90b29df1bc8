import type { Config } from '../../config';
import { DisabledCaptcha, LocalTurnstile } from './local';
import { TurnstileVerifier } from './turnstile';
import type { CaptchaVerifier } from './types';

export type { CaptchaCheck, CaptchaOutcome, CaptchaVerifier } from './types';

export function captchaVerifier(turnstile: Config['turnstile']): CaptchaVerifier {
  if (!turnstile.enabled) return new DisabledCaptcha();
  if (turnstile.mode === 'local') return new LocalTurnstile(turnstile.secretKey);
  return new TurnstileVerifier(turnstile);
}
