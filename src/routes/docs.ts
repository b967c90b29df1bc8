import type { createRouter } from '../http/router';

export const OPENAPI_INFO = {
  openapi: '3.1.0',
  info: {
    title: 'Leadgate API',
    version: '0.1.0',
    description:
      'The edge API behind a B2B marketing site: lead capture, ROI calculator, demo booking, CRM sync. ' +
      'Errors are RFC 9457 problem+json with field errors and a request id. Admin endpoints take `Authorization: Bearer <key>`.',
  },
} as const;

/** GET /openapi.json (generated from the zod schemas) and GET /docs (Swagger UI). */
export function mountDocs(app: ReturnType<typeof createRouter>) {
  app.openAPIRegistry.registerComponent('securitySchemes', 'AdminKey', { type: 'http', scheme: 'bearer', description: 'ADMIN_API_KEY' });
  app.doc31('/openapi.json', (c) => ({ ...OPENAPI_INFO, servers: [{ url: new URL(c.req.url).origin }] }));
  app.get('/docs', (c) => c.html(DOCS_PAGE));
  // Swagger UI's own files, from the swagger-ui-dist package (see [assets] in wrangler.toml).
  app.get('/docs/assets/:file{swagger-ui\\.css|swagger-ui-bundle\\.js}', (c) => c.env.ASSETS.fetch(new Request(new URL(`/${c.req.param('file')}`, c.req.url))));
}

const DOCS_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Leadgate API</title><link rel="stylesheet" href="/docs/assets/swagger-ui.css"></head>
<body><div id="swagger-ui"></div><script src="/docs/assets/swagger-ui-bundle.js"></script>
<script>window.onload = () => { window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', persistAuthorization: true }); };</script>
</body></html>`;
