import type { Config } from '../../config';
import { DisabledCaptcha, LocalTurnstile } from './local';
import { TurnstileVerifier } from './turnstile';
import type { CaptchaVerifier } from './types';

export type { CaptchaVerifier, CaptchaOutcome, CaptchaCheck } from './types';

export function captchaVerifier(config: Config): CaptchaVerifier {
  if (!config.TURNSTILE_ENABLED) return new DisabledCaptcha();
  if (config.TURNSTILE_MODE === 'local') return new LocalTurnstile(config.TURNSTILE_SECRET_KEY);
  return new TurnstileVerifier(config);
}
