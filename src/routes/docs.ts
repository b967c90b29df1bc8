import type { createRouter } from '../http/router';

export const OPENAPI_INFO = {
  openapi: '3.1.0',
  info: {
    title: 'Leadgate API',
    version: '0.1.0',
    description:
      'The edge API behind a B2B marketing site: lead capture, ROI calculator, demo booking, CRM sync. ' +
      'Errors are RFC 9457 problem+json with field errors and a request id. One deployment serves several sites (workspaces): ' +
      "a public call names its site with `X-Site-Key` (or `site_key` in the body; none = the default site), an admin call's API key " +
      'names its workspace, and a webhook has the workspace in its path. Admin endpoints take `Authorization: Bearer <key>` and list ' +
      'the scope they require.',
  },
} as const;

/** GET /openapi.json (generated from the zod schemas) and GET /docs (Swagger UI). */
export function mountDocs(app: ReturnType<typeof createRouter>) {
  app.openAPIRegistry.registerComponent('securitySchemes', 'ApiKey', {
    type: 'http',
    scheme: 'bearer',
    description:
      'An API key of a workspace (`lg_…`, made with POST /api/v1/api-keys or `npm run api-key -- create`), holding scopes: ' +
      '`leads:read`, `leads:write`, `pipeline:write`, `sales:write`, `deliveries:replay`, `settings:write`, `admin` (all of them). ' +
      'Each endpoint lists the scope it requires. ADMIN_API_KEY from the configuration is an `admin` key of the default workspace (bootstrap).',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'SiteKey', {
    type: 'apiKey',
    in: 'header',
    name: 'X-Site-Key',
    description: "The site's public key (`lg_site_…`): the request belongs to that site's workspace. Optional: without it, the default workspace.",
  });
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
