import { z } from '@hono/zod-openapi';
import { LEAD_STAGES, MANAGER_SOURCES } from '../../domain/pipeline';
import { defineRoute } from '../../http/route';
import { createRouter } from '../../http/router';
import { adminErrors } from '../../http/schemas/common';
import { BusinessDomainSchema, LEAD_SOURCES } from '../../http/schemas/lead-submission';
import { serviceContext } from '../../http/service-context';
import { listLeads } from '../../services/read-leads';
import { decodeCursor, encodeCursor, pageQuery } from '../cursor';
import { LeadViewSchema, leadView } from './lead-view';

const QuerySchema = z.object({
  email: z.string().max(254).optional().openapi({ description: 'Exact email (normalized before matching).', example: 'jane.doe@acme.com' }),
  source: z
    .enum([...LEAD_SOURCES, ...MANAGER_SOURCES])
    .optional()
    .openapi({ description: 'Form (or channel) of the first touch.', example: 'pricing' }),
  stage: z.enum(LEAD_STAGES).optional().openapi({ description: 'Only leads in this stage.', example: 'qualified' }),
  business_domain: BusinessDomainSchema.optional(),
  score_min: z.coerce.number().min(0).max(1).optional().openapi({ description: 'Only leads whose latest analysis scored at least this.', example: 0.6 }),
  since: z.iso
    .datetime({ offset: true })
    .optional()
    .openapi({ description: 'Only leads first seen at or after this instant.', example: '2026-11-01T00:00:00Z' }),
  ...pageQuery,
});

export const listLeadsRoute = defineRoute(
  { scope: 'leads:read' },
  {
    method: 'get',
    path: '/leads',
    tags: ['Leads (admin)'],
    summary: 'Search leads, newest first',
    request: { query: QuerySchema },
    responses: {
      200: {
        description: 'A page of leads.',
        content: {
          'application/json': {
            schema: z
              .object({
                items: z.array(LeadViewSchema).openapi({ description: 'Leads on this page.' }),
                next_cursor: z.string().nullable().openapi({ description: 'Pass as `cursor` for the next page; null on the last page.', example: null }),
              })
              .openapi('LeadPage'),
          },
        },
      },
      ...adminErrors,
    },
  },
);

export const listLeadsHandler = createRouter().openapi(listLeadsRoute, async (c) => {
  const q = c.req.valid('query');
  const page = await listLeads({
    ctx: serviceContext(c),
    input: {
      email: q.email,
      source: q.source,
      since: q.since ? new Date(q.since) : undefined,
      stage: q.stage,
      businessDomain: q.business_domain,
      scoreMin: q.score_min,
      after: q.cursor ? decodeCursor(q.cursor) : undefined,
      limit: q.limit,
    },
  });
  return c.json({ items: page.items.map(leadView), next_cursor: page.next ? encodeCursor(page.next) : null }, 200);
});
