import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { defineRoute } from '../../http/route';
import { createRouter } from '../../http/router';
import { WorkspacePathParam } from '../../http/schemas/common';
import { problemResponseDoc } from '../../http/schemas/problem';
import { clientIp, serviceContext } from '../../http/service-context';
import type { AppEnv } from '../../http/types';
import { receiveTelegramUpdate } from '../../services/chatbot/telegram-flow';

/**
 * The Telegram bot's webhook (`npm run telegram:webhook` points the bot here): the same conversation
 * steps as the Chatfuel endpoints, answered through the Bot API rather than in the response.
 */
const TelegramAckSchema = z
  .object({ ok: z.literal(true).openapi({ description: 'The update was taken (or ignored as unreadable or already handled).', example: true }) })
  .openapi('TelegramAck');

function webhookRoute<const P extends string>(path: P, workspaced: boolean) {
  return defineRoute('webhook', {
    method: 'post',
    path,
    tags: ['Chatbot'],
    summary: workspaced ? "The Telegram bot's webhook, for a workspace" : "The Telegram bot's webhook",
    description:
      'An Update from the Bot API, checked before it is read: `X-Telegram-Bot-Api-Secret-Token` must be the `secret_token` given to `setWebhook` ' +
      '(TELEGRAM_WEBHOOK_SECRET, compared in constant time). `/start` greets with the packages as inline buttons; a package asks for the email; ' +
      'the email is the lead and offers "Umów spotkanie" (the free slots as buttons, then the booking) or "Zapytaj konsultanta" (the question, then the handoff). ' +
      "Each step is the Chatfuel endpoints' own, and its effects go through the queue. The answer comes at once; the replies go out by `sendMessage` " +
      '(and `answerCallbackQuery` for a pressed button) right after it. An update delivered again (same `update_id`) does nothing; one that is not ' +
      'an Update, or not from a private chat, is acknowledged and ignored.',
    ...(workspaced ? { request: { params: z.object({ workspace: WorkspacePathParam }) } } : {}),
    responses: {
      200: { description: 'Taken; the replies follow through the Bot API.', content: { 'application/json': { schema: TelegramAckSchema } } },
      401: problemResponseDoc('The secret token is missing or wrong (or TELEGRAM_WEBHOOK_SECRET is not set). Nothing was done.'),
    },
  });
}

async function receive(c: Context<AppEnv>) {
  const url = new URL(c.req.url);
  const request = {
    method: c.req.method,
    url: `${c.var.config.core.publicOrigin}${url.pathname}${url.search}`,
    headers: c.req.raw.headers,
    rawBody: new Uint8Array(await c.req.arrayBuffer()),
  };
  return c.json(await receiveTelegramUpdate({ ctx: serviceContext(c, { actor: 'webhook:telegram' }), input: { request, clientIp: clientIp(c) } }), 200);
}

export const telegramRouter = createRouter()
  .openapi(webhookRoute('/chatbot/telegram/webhook', false), receive)
  .openapi(webhookRoute('/workspaces/{workspace}/chatbot/telegram/webhook', true), receive);
