// Points a Telegram bot at Leadgate (Bot API `setWebhook`): Telegram then POSTs every update to the
// webhook with the secret in `X-Telegram-Bot-Api-Secret-Token`, which Leadgate checks before reading it.
// Run it once per deployment (and again after rotating the secret); the Worker must already have the same
// TELEGRAM_BOT_TOKEN and TELEGRAM_WEBHOOK_SECRET (`wrangler secret put …`).
//
//   TELEGRAM_BOT_TOKEN=123456:ABC… TELEGRAM_WEBHOOK_SECRET=<16–256 of A-Z a-z 0-9 _ -> \
//     npm run telegram:webhook -- --url https://api.example.com                # the default workspace
//   npm run telegram:webhook -- --url https://api.example.com --workspace acme  # /api/v1/workspaces/acme/…
//   npm run telegram:webhook -- --url https://api.example.com/custom/path       # a full webhook URL, as it is
//   options: --token <bot token> --secret <secret token> (instead of the variables)
//            --drop-pending (forget the updates Telegram queued while no webhook answered)
//            --api https://api.telegram.org (or a local Bot API server; TELEGRAM_API_URL)
//   --url defaults to PUBLIC_API_URL. The secret and the token are never printed.
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] && !args[i + 1].startsWith('--') ? args[i + 1] : fallback;
};
const fail = (message) => {
  console.error(message);
  process.exit(2);
};

const token = option('token', process.env.TELEGRAM_BOT_TOKEN);
const secret = option('secret', process.env.TELEGRAM_WEBHOOK_SECRET);
const api = option('api', process.env.TELEGRAM_API_URL || 'https://api.telegram.org').replace(/\/+$/, '');
const base = option('url', process.env.PUBLIC_API_URL);
const workspace = option('workspace');
if (!token) fail('TELEGRAM_BOT_TOKEN (or --token) is required: the token @BotFather gave the bot.');
if (!secret || !/^[A-Za-z0-9_-]{16,256}$/.test(secret)) fail('TELEGRAM_WEBHOOK_SECRET (or --secret) must be 16–256 of A-Z, a-z, 0-9, _ and -.');
if (!base) fail('--url (or PUBLIC_API_URL) is required: the public https origin of the API, or the full webhook URL.');
if (workspace && !/^[a-z0-9-]{2,63}$/.test(workspace)) fail('--workspace must be a workspace slug.');

let url;
try {
  url = new URL(base);
} catch {
  fail(`--url is not a URL: ${base}`);
}
if (url.protocol !== 'https:') fail('Telegram only calls https webhooks (ports 443, 80, 88 or 8443).');
if (url.pathname === '/' || url.pathname === '')
  url.pathname = workspace ? `/api/v1/workspaces/${workspace}/chatbot/telegram/webhook` : '/api/v1/chatbot/telegram/webhook';
else if (workspace) fail('--workspace goes with an origin in --url, not with a full webhook URL.');

const call = async (method, body) => {
  const res = await fetch(`${api}/bot${token}/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body ?? {}),
  });
  const answer = await res.json().catch(() => ({ ok: false, description: `HTTP ${res.status}` }));
  return answer;
};

const set = await call('setWebhook', {
  url: url.href,
  secret_token: secret,
  // What the flow reads: messages (text) and pressed inline buttons.
  allowed_updates: ['message', 'callback_query'],
  ...(args.includes('--drop-pending') ? { drop_pending_updates: true } : {}),
});
if (!set.ok) {
  console.error(`setWebhook failed: ${set.error_code ?? ''} ${set.description ?? ''}`.trim());
  process.exit(1);
}
console.log(`setWebhook → ${url.href}: ${set.description ?? 'ok'}`);
const info = await call('getWebhookInfo');
if (info.ok) {
  const { pending_update_count, last_error_message, allowed_updates } = info.result ?? {};
  console.log(JSON.stringify({ pending_update_count, allowed_updates, ...(last_error_message ? { last_error_message } : {}) }));
}
