// `npm run admin-key -- <name>`: makes a new admin API key. Prints the key (give it to whoever needs it;
// it is not stored anywhere) and the entry to add to ADMIN_API_KEY_HASHES (only its SHA-256 is kept).
import { createHash, randomBytes } from 'node:crypto';

const name = process.argv[2];
if (!name || !/^[a-z0-9][a-z0-9_-]{0,63}$/.test(name)) {
  console.error('usage: npm run admin-key -- <name>   (lower-case letters, digits, - and _)');
  process.exit(2);
}
const key = `lg_${randomBytes(24).toString('base64url')}`;
const hash = createHash('sha256').update(key).digest('hex');
console.log(`key (shown once):           ${key}`);
console.log(`ADMIN_API_KEY_HASHES entry: ${name}:${hash}`);
console.log('Add the entry (comma-separated with any others): `npx wrangler secret put ADMIN_API_KEY_HASHES` in production, .dev.vars locally.');
