import { z } from 'zod';

/** A gated asset (whitepaper, report…): what the download link finally redirects to. */
export interface ContentAsset {
  title: string;
  url: string;
}

export const ASSET_SLUG = /^[a-z0-9][a-z0-9-]{0,63}$/;

const AssetSchema = z.strictObject({
  title: z.string().trim().min(1).max(200),
  url: z.string().url().refine((u) => /^https?:\/\//.test(u), 'must be an http(s) URL'),
});

/**
 * Config `CONTENT_ASSETS`: a JSON object string, slug → { "title", "url" }, e.g.
 * `{"state-of-b2b-sales-2026":{"title":"State of B2B Sales 2026","url":"https://cdn.example.com/sobs-2026.pdf"}}`.
 * Parsed once with the rest of the configuration, so a typo is a start-up error, not a broken link.
 */
export const ContentAssetsConfig = z
  .string()
  .optional()
  .transform((text, ctx): Map<string, ContentAsset> => {
    if (!text || !text.trim()) return new Map();
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a JSON object of slug → {"title","url"}' });
      return z.NEVER;
    }
    const parsed = z.record(z.string().regex(ASSET_SLUG, 'slugs must be lower-case, e.g. "state-of-sales"'), AssetSchema).safeParse(raw);
    if (!parsed.success) {
      ctx.addIssue({ code: 'custom', message: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
      return z.NEVER;
    }
    // A Map: a slug such as "constructor" must not find a member of Object.prototype.
    return new Map(Object.entries(parsed.data));
  });
