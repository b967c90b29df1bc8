import type { MiddlewareHandler } from 'hono';
import { secretsEqual } from '../../crypto/hmac';
import { logger } from '../../logger';
import { ServiceError } from '../../services/errors';
import type { AppEnv } from '../types';

export const BOT_TOKEN_HEADER = 'x-leadgate-bot-token';

/**
 * A chatbot platform calling: its shared token, in the X-Leadgate-Bot-Token header or — because
 * Chatfuel's plugin may only take a URL — in `?token=`, compared in constant time with each of the
 * workspace's CHATBOT_TOKENS (several at once, for rotation). Anything else is 401 before the request
 * is read any further.
 */
export function botAuth(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const sent = c.req.header(BOT_TOKEN_HEADER) ?? new URL(c.req.url).searchParams.get('token') ?? '';
    const tokens = c.var.config.chatbot.tokens;
    let ok = false;
    // Every token is compared, matched or not, so the time taken says nothing about which one (if any) matched.
    for (const token of tokens) if (await secretsEqual(sent, token)) ok = true;
    if (!ok || sent === '') {
      logger.warn('chatbot.auth_refused', { request_id: c.var.requestId, path: new URL(c.req.url).pathname, token_sent: sent !== '' });
      throw new ServiceError('unauthorized', { detail: 'Missing or wrong bot token (X-Leadgate-Bot-Token, or ?token=).' });
    }
    return next();
  };
}
