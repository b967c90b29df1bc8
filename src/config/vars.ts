import { z } from 'zod';

/**
 * Parsers for environment variables (all strings in the Worker's env). An empty value counts as unset,
 * so `.dev.vars` may list every variable with nothing after the `=`.
 */
const present = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

export const optionalText = () => z.preprocess(present, z.string().optional());
export const text = (fallback: string) => z.preprocess(present, z.string().default(fallback));
export const url = (fallback: string) => z.preprocess(present, z.url().default(fallback));
export const optionalUrl = () => z.preprocess(present, z.url().optional());
export const secret = (minLength = 1) => z.preprocess(present, z.string().min(minLength, `must be at least ${minLength} characters`).optional());
export const int = (fallback: number, min = 1) => z.preprocess(present, z.coerce.number().int().min(min).default(fallback));
export const bool = (fallback: boolean) =>
  z.preprocess(
    present,
    z
      .enum(['true', 'false', '1', '0'])
      .optional()
      .transform((v) => (v === undefined ? fallback : v === 'true' || v === '1')),
  );
export const csv = () =>
  z.preprocess(
    present,
    z
      .string()
      .optional()
      .transform((v) =>
        (v ?? '')
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      ),
  );
/** A JSON value, then checked by `schema`. */
export function json<T extends z.ZodType>(schema: T, fallback: unknown) {
  return z.preprocess(
    (v) => {
      const value = present(v);
      if (value === undefined) return fallback;
      if (typeof value !== 'string') return value;
      try {
        return JSON.parse(value);
      } catch {
        return Symbol.for('invalid-json');
      }
    },
    z.custom((v) => v !== Symbol.for('invalid-json'), 'must be valid JSON').pipe(schema),
  );
}
