import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { botAttributeNames, botFields } from '../../domain/chatbot';
import { defineRoute } from '../../http/route';
import { createRouter } from '../../http/router';
import { WorkspacePathParam } from '../../http/schemas/common';
import { clientIp, serviceContext } from '../../http/service-context';
import type { AppEnv } from '../../http/types';
import { type BotReply, type BotStep, runBotStep } from '../../services/chatbot/steps';
import { ServiceError } from '../../services/errors';

/**
 * Chatfuel's JSON API plugin, one endpoint per step. Attributes come as Chatfuel sends them: in the query
 * string for GET, in the body for POST (JSON, Chatfuel's "full JSON profile", or URL-encoded), with their
 * real names (`chatfuel user id`, `first name`). The answer is always Chatfuel's format, in Polish: a
 * field that is wrong is asked for again, with `leadgate_error` set for the flow to branch on.
 */
const STEPS: Record<BotStep, { summary: string; description: string }> = {
  'conversation-start': {
    summary: 'Greet the visitor and offer the packages',
    description:
      'Records the start of the conversation (GA4 `chatbot_conversation_start`, with analytics consent) and answers with the packages as quick replies.',
  },
  lead: {
    summary: 'Take the contact details and topic',
    description:
      '`email` (required), `phone` (E.164, or 9 digits: +48), `first name`/`last name` or `name`, `topic`, `package`, `consent_marketing`, `consent_sms`, `consent_analytics`. ' +
      'Queued: the lead in Postgres, the item on the monday.com board, GA4 `generate_lead`, the sales notification, the thank-you email (marketing consent) and SMS (SMS consent).',
  },
  availability: {
    summary: 'Offer meeting times',
    description: "Free slots as quick replies on the visitor's clock (`timezone` if it is an IANA zone, else CHATBOT_TIME_ZONE); each sets `meeting_start`.",
  },
  book: {
    summary: 'Book the chosen slot',
    description:
      'Takes `meeting_start` (one of the offered slots) for the person (`email`…): the booking provider takes or refuses it in this call, and a taken slot answers with the nearest free ones (`leadgate_error=slot_taken`). ' +
      'Sets `booking_id`. The confirmation email (.ics), SMS, the board and GA4 `book_meeting` follow through the queue.',
  },
  handoff: {
    summary: 'Hand the conversation to a consultant',
    description:
      "`email` (required), `question` (or Chatfuel's `last user freeform input`). Queued: the board, GA4 `consultant_handoff`, the email to the client and the notice to the consultant, the SMS.",
  },
  track: { summary: 'Record another conversion step', description: '`step` (letters, digits and _): GA4 event `chatbot_<step>`, with analytics consent.' },
};

const QuickReplySchema = z
  .object({
    title: z.string().openapi({ description: 'What the button says (20 characters at most).', example: 'pon. 15.06, 09:30' }),
    set_attributes: z
      .record(z.string(), z.string())
      .openapi({ description: 'Set when the visitor taps it.', example: { meeting_start: '2027-06-15T07:30:00.000Z' } }),
    block_names: z
      .array(z.string())
      .optional()
      .openapi({ description: 'Where the flow goes next (CHATFUEL_BLOCKS).', example: ['Rezerwacja'] }),
  })
  .openapi('ChatfuelQuickReply');

const ChatfuelAnswerSchema = z
  .object({
    messages: z
      .array(
        z.object({
          text: z.string().openapi({ description: 'Shown to the visitor, in Polish.', example: 'Wybierz dogodny termin (czas: Europe/Warsaw):' }),
          quick_replies: z.array(QuickReplySchema).optional().openapi({ description: 'Packages or slots to choose from.' }),
        }),
      )
      .optional()
      .openapi({ description: 'What the bot says; absent when there is nothing to say (track).' }),
    set_attributes: z
      .record(z.string(), z.string())
      .openapi({ description: '`leadgate_error` (`ok` or what to branch on), and e.g. `booking_id`.', example: { leadgate_error: 'ok', booking_id: '0193…' } }),
    redirect_to_blocks: z
      .array(z.string())
      .optional()
      .openapi({ description: 'The block configured for this error, if any.', example: ['Podaj e-mail'] }),
  })
  .openapi('ChatfuelAnswer');

const TokenQuery = z.looseObject({
  token: z.string().optional().openapi({ description: 'The bot token, when the plugin cannot send the X-Leadgate-Bot-Token header.', example: 'cf_…' }),
});

function stepRoute(step: BotStep, method: 'get' | 'post', workspaced: boolean) {
  const { summary, description } = STEPS[step];
  return defineRoute('bot', {
    method,
    path: `${workspaced ? '/workspaces/{workspace}' : ''}/chatbot/chatfuel/${step}`,
    tags: ['Chatbot'],
    summary: `${summary}${method === 'post' ? ' (POST)' : ''}${workspaced ? ', for a workspace' : ''}`,
    description: `${description}\n\n${method === 'get' ? 'Attributes in the query string.' : 'Attributes in the body: a JSON object or application/x-www-form-urlencoded.'} Bad input is answered in Chatfuel's format (200); only a wrong token (401) or a request that is not the bot's (400) is problem+json.`,
    request: { query: TokenQuery, ...(workspaced ? { params: z.object({ workspace: WorkspacePathParam }) } : {}) },
    responses: { 200: { description: "Chatfuel's response format.", content: { 'application/json': { schema: ChatfuelAnswerSchema } } } },
  });
}

/** The attributes as Chatfuel sent them: query string for GET, JSON or URL-encoded body for POST. */
async function attributesOf(c: Context<AppEnv>): Promise<Record<string, unknown>> {
  const url = new URL(c.req.url);
  const query = Object.fromEntries([...url.searchParams].filter(([k]) => k !== 'token'));
  if (c.req.method !== 'POST') return query;
  const text = new TextDecoder().decode(await c.req.arrayBuffer());
  if (text.trim() === '') return query;
  const type = c.req.header('content-type') ?? '';
  if (type.includes('application/x-www-form-urlencoded')) return { ...query, ...Object.fromEntries(new URLSearchParams(text)) };
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ServiceError('malformed_json', { detail: 'The body is neither JSON nor URL-encoded attributes.' });
  }
  if (!body || typeof body !== 'object' || Array.isArray(body))
    throw new ServiceError('malformed_json', { detail: 'The body must be a JSON object of attributes.' });
  return { ...query, ...(body as Record<string, unknown>) };
}

/** The reply in Chatfuel's format: attribute names are the bot's own (CHATFUEL_ATTRIBUTES). */
export function chatfuelAnswer(reply: BotReply, names: Record<string, string>, blocks: Readonly<Record<string, string>>) {
  const attr = (field: string) => (Object.hasOwn(names, field) ? names[field]! : field);
  const set_attributes: Record<string, string> = { leadgate_error: reply.error ?? 'ok' };
  for (const [field, value] of Object.entries(reply.fields ?? {})) if (value !== undefined) set_attributes[attr(field)] = value;
  const message = reply.text
    ? {
        text: reply.text,
        ...(reply.options?.length
          ? {
              quick_replies: reply.options.map((o) => ({
                title: o.title,
                set_attributes: { [attr(o.field)]: o.value },
                ...(Object.hasOwn(blocks, o.field) ? { block_names: [blocks[o.field]!] } : {}),
              })),
            }
          : {}),
      }
    : null;
  return {
    ...(message ? { messages: [message] } : {}),
    set_attributes,
    ...(reply.error && Object.hasOwn(blocks, reply.error) ? { redirect_to_blocks: [blocks[reply.error]!] } : {}),
  };
}

async function answer(c: Context<AppEnv>, step: BotStep) {
  const config = c.var.config.chatbot;
  const names = botAttributeNames(config.attributes);
  const fields = botFields(await attributesOf(c), names);
  // Chatfuel always sends who it is talking to; a request without it is not the bot's.
  if (!fields.user_id)
    throw new ServiceError('validation_failed', {
      detail: `${names.user_id}: required`,
      fieldErrors: [{ field: names.user_id, code: 'required', message: 'the bot user id is required' }],
    });
  const { user_id: userId, ...rest } = fields;
  const reply = await runBotStep({ ctx: serviceContext(c), input: { step, turn: { platform: 'chatfuel', userId, clientIp: clientIp(c), fields: rest } } });
  return c.json(chatfuelAnswer(reply, names, config.blocks), 200);
}

const router = createRouter();
for (const step of Object.keys(STEPS) as BotStep[]) {
  for (const method of ['get', 'post'] as const) {
    for (const workspaced of [false, true]) router.openapi(stepRoute(step, method, workspaced), (c) => answer(c, step));
  }
}
export const chatfuelRouter = router;
