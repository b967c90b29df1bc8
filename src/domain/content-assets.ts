import { z } from 'zod';

/** A gated asset (whitepaper, report…): what the download link finally redirects to. */
export interface ContentAsset {
  title: string;
  url: string;
}

export const ASSET_SLUG = /^[a-z0-9][a-z0-9-]{0,63}$/;

const AssetSchema = z.strictObject({
  title: z.string().trim().min(1).max(200),
  url: z.url().refine((u) => /^https?:\/\//.test(u), 'must be an http(s) URL'),
});

/**
 * The assets on offer: slug → { "title", "url" }, e.g.
 * `{"state-of-b2b-sales-2026":{"title":"State of B2B Sales 2026","url":"https://cdn.example.com/sobs-2026.pdf"}}`.
 */
export const ContentAssetsSchema = z.record(z.string().regex(ASSET_SLUG, 'slugs must be lower-case, e.g. "state-of-sales"'), AssetSchema);
