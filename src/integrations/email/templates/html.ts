import { escapeHtml } from '../../../domain/text';

export { escapeHtml };

/** Wraps a body in the minimal, client-safe layout every Leadgate email uses. */
export function layout(title: string, bodyHtml: string): string {
  return (
    `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>` +
    `<body style="font-family:Arial,Helvetica,sans-serif;color:#1f2933;line-height:1.5;max-width:600px;margin:0 auto;padding:24px">` +
    `${bodyHtml}</body></html>`
  );
}

/** Renders key/value rows as an HTML table (values escaped). */
export function rows(pairs: Array<[string, unknown]>): string {
  return `<table cellpadding="4" style="border-collapse:collapse">${pairs
    .filter(([, v]) => v !== undefined && v !== null && v !== '')
    .map(([k, v]) => `<tr><td style="color:#52606d">${escapeHtml(k)}</td><td><strong>${escapeHtml(v)}</strong></td></tr>`)
    .join('')}</table>`;
}

export function textRows(pairs: Array<[string, unknown]>): string {
  return pairs
    .filter(([, v]) => v !== undefined && v !== null && v !== '')
    .map(([k, v]) => `${k}: ${v}`)
    .join('\n');
}
