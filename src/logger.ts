/**
 * Structured JSON logs (Workers Logs indexes the fields). Personal data stays out: log ids, hashes and
 * domains, never emails, names, phone numbers or message text.
 */
type Fields = Record<string, unknown>;

function emit(level: 'debug' | 'info' | 'warn' | 'error', event: string, fields: Fields) {
  const line = JSON.stringify({ level, event, ...fields });
  if (level === 'error') console.error(line);
  else if (level === 'warn') console.warn(line);
  else console.log(line);
}

export const logger = {
  info: (event: string, fields: Fields = {}) => emit('info', event, fields),
  warn: (event: string, fields: Fields = {}) => emit('warn', event, fields),
  error: (event: string, fields: Fields = {}) => emit('error', event, fields),
};

/** The domain part of an email: enough for an operator to correlate, not enough to identify a person. */
export function emailDomain(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1);
}
