import { swaggerUI } from '@hono/swagger-ui';
import { createRouter } from '../http/router';

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
  app.get('/docs', swaggerUI({ url: '/openapi.json', title: 'Leadgate API' }));
}
