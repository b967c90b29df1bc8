// Sends a HubSpot workflow webhook, signed as HubSpot signs it (v3), to the local dev server: the CRM
// saying "this contact is now a customer". Sending the same command twice delivers the same bytes,
// which Leadgate acknowledges as a duplicate and does not apply again.
//
//   node scripts/send-hubspot-webhook.mjs jane.doe@acme.com                 # → customer
//   node scripts/send-hubspot-webhook.mjs jane.doe@acme.com --status opportunity
//   node scripts/send-hubspot-webhook.mjs jane.doe@acme.com --forge         # bad signature → 401
//   options: --url http://127.0.0.1:8787   --path /api/v1/webhooks/hubspot (or /api/v1/webhooks/crm-update)
import { createHmac } from 'node:crypto';
import { readDevVars } from './local/stack.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const email = args.find((a) => !a.startsWith('--') && a.includes('@'));
if (!email) {
  console.error(
    'usage: node scripts/send-hubspot-webhook.mjs <email> [--status customer] [--forge] [--url http://127.0.0.1:8787] [--path /api/v1/webhooks/hubspot]',
  );
  process.exit(2);
}
const forge = args.includes('--forge');
const url = `${option('url', 'http://127.0.0.1:8787')}${option('path', '/api/v1/webhooks/hubspot')}`;

const secret = process.env.HUBSPOT_CLIENT_SECRET ?? readDevVars().HUBSPOT_CLIENT_SECRET;
if (!secret) {
  console.error('HUBSPOT_CLIENT_SECRET is not set in .dev.vars (see .dev.vars.example).');
  process.exit(2);
}

// A workflow "Send a webhook" action with a customised body: contact properties by internal name.
const body = JSON.stringify({ email, lifecyclestage: option('status', 'customer') });
const timestamp = String(Date.now());
const signature = createHmac('sha256', forge ? `${secret}-forged` : secret)
  .update(`POST${url}${body}${timestamp}`)
  .digest('base64');

const res = await fetch(url, {
  method: 'POST',
  headers: { 'content-type': 'application/json', 'x-hubspot-signature-v3': signature, 'x-hubspot-request-timestamp': timestamp },
  body,
});
console.log(`POST ${url} → ${res.status}`);
console.log(await res.text());
process.exit(res.ok ? 0 : 1);
