import { DrizzleQueryError } from 'drizzle-orm/errors';

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

/**
 * An error as an operator needs it, without the data it carried. drizzle wraps database errors in an
 * error whose message repeats the query and its parameters (emails, names): log the driver's error
 * (its SQLSTATE code, message and constraint) instead.
 */
export function isQueryError(err: unknown): boolean {
  return err instanceof DrizzleQueryError || (err instanceof Error && err.message.startsWith('Failed query:'));
}

export function describeError(err: unknown): string {
  const cause = err instanceof Error ? (err.cause as { code?: string; message?: string; constraint?: string } | undefined) : undefined;
  if (isQueryError(err)) {
    return `database error${cause?.code ? ` ${cause.code}` : ''}: ${(cause?.message ?? 'unknown').slice(0, 200)}${cause?.constraint ? ` (constraint ${cause.constraint})` : ''}`;
  }
  if (err instanceof Error) return `${err.name}: ${err.message}${err.cause instanceof Error ? ` (cause: ${err.cause.message})` : ''}`.slice(0, 300);
  // The Neon driver reports a dropped WebSocket as an (Error)Event, whose String() is "[object ErrorEvent]".
  if (typeof err === 'object' && err !== null && 'type' in err) {
    const e = err as { type: string; message?: string; error?: unknown; code?: number; reason?: string };
    const inner = e.error instanceof Error ? e.error.message : e.message || e.reason;
    return `${e.constructor?.name ?? 'Event'} "${e.type}"${e.code ? ` code ${e.code}` : ''}${inner ? `: ${inner}` : ''}`.slice(0, 300);
  }
  return String(err).slice(0, 300);
}
