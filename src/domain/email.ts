/** Free-mail providers: their domain says nothing about the person's company. */
const FREE_MAIL_DOMAINS = new Set([
  'gmail.com',
  'googlemail.com',
  'yahoo.com',
  'yahoo.co.uk',
  'yahoo.fr',
  'yahoo.de',
  'ymail.com',
  'outlook.com',
  'hotmail.com',
  'hotmail.co.uk',
  'hotmail.fr',
  'live.com',
  'msn.com',
  'icloud.com',
  'me.com',
  'mac.com',
  'aol.com',
  'proton.me',
  'protonmail.com',
  'pm.me',
  'gmx.com',
  'gmx.de',
  'gmx.net',
  'web.de',
  'mail.com',
  'mail.ru',
  'yandex.com',
  'yandex.ru',
  'zoho.com',
  'qq.com',
  '163.com',
  '126.com',
  'tutanota.com',
  'fastmail.com',
  'hey.com',
  'orange.fr',
  'free.fr',
  'laposte.net',
  't-online.de',
  'libero.it',
  'seznam.cz',
  'wp.pl',
  'rediffmail.com',
]);

/**
 * The key a person is known by: trimmed and lower-cased; for Gmail, dots and +tags are dropped because
 * Google ignores them (j.doe+news@gmail.com and jdoe@gmail.com are one mailbox). Other providers are
 * left alone: for them dots and tags may be meaningful.
 */
export function normalizeEmail(email: string): string {
  const lower = email.trim().toLowerCase();
  const at = lower.lastIndexOf('@');
  let local = lower.slice(0, at);
  let domain = lower.slice(at + 1);
  if (domain === 'googlemail.com') domain = 'gmail.com';
  if (domain === 'gmail.com') local = local.split('+')[0]!.replaceAll('.', '');
  return `${local}@${domain}`;
}

export function isFreeMailDomain(domain: string): boolean {
  return FREE_MAIL_DOMAINS.has(domain.toLowerCase());
}

/** The company domain a business email implies, or null for free-mail addresses. */
export function companyDomainFromEmail(email: string): string | null {
  const domain = email.trim().toLowerCase().split('@')[1];
  if (!domain || isFreeMailDomain(domain)) return null;
  return domain;
}

/** Accepts "acme.com", "https://www.acme.com/about" → "acme.com". */
export function normalizeDomain(input: string): string {
  const host = input
    .trim()
    .toLowerCase()
    .replace(/^[a-z]+:\/\//, '')
    .split(/[/?#]/)[0]!;
  return host.replace(/^www\./, '').replace(/\.$/, '');
}
