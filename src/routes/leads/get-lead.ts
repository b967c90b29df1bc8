import { z } from '@hono/zod-openapi';
import { defineRoute } from '../../http/route';
import { createRouter } from '../../http/router';
import { adminErrors } from '../../http/schemas/common';
import { serviceContext } from '../../http/service-context';
import { setVersionTag } from '../../http/versions';
import { ServiceError } from '../../services/errors';
import { listDeliveries } from '../../services/manage-deliveries';
import { getLeadWithHistory } from '../../services/read-leads';
import { DeliveryViewSchema, deliveryView } from '../deliveries/delivery-view';
import { VersionHeaders } from '../pipeline/schemas';
import { AnalysisSchema, AuditEntrySchema, analysisView, auditView, SaleSchema, saleView } from '../pipeline/views';
import { LeadEventViewSchema, LeadViewSchema, leadEventView, leadView } from './lead-view';

const LeadDetailSchema = LeadViewSchema.extend({
  sale: SaleSchema.nullable().openapi({ description: 'The sale, once the lead is transferred.' }),
  latest_analysis: AnalysisSchema.nullable().openapi({ description: 'The latest analysis (advisory), with what the scorer saw.' }),
  events: z.array(LeadEventViewSchema).openapi({ description: "The lead's history of interactions, oldest first." }),
  changes: z.array(AuditEntrySchema).openapi({ description: 'Its audit log: stage and sale changes, refusals, analyses, contact edits, oldest first.' }),
  deliveries: z.array(DeliveryViewSchema).openapi({ description: 'Every email, CRM sync, webhook and SMS sent about this lead, newest first.' }),
}).openapi('LeadDetail');

export const getLeadRoute = defineRoute(
  { scope: 'leads:read' },
  {
    method: 'get',
    path: '/leads/{id}',
    tags: ['Leads (admin)'],
    summary: 'A lead with its stage, sale, latest analysis, version and history',
    request: {
      params: z.object({
        id: z.uuid().openapi({ param: { name: 'id', in: 'path' }, description: 'Lead id.', example: '01936f0e-8c2a-7b3e-9d4f-5a6b7c8d9e0f' }),
      }),
    },
    responses: {
      200: { description: 'The lead (its ETag is its version).', headers: VersionHeaders, content: { 'application/json': { schema: LeadDetailSchema } } },
      ...adminErrors,
    },
  },
);

export const getLead = createRouter().openapi(getLeadRoute, async (c) => {
  const { id } = c.req.valid('param');
  const ctx = serviceContext(c);
  const found = await getLeadWithHistory({ ctx, input: { id } });
  if (!found) throw new ServiceError('not_found', { detail: 'No lead with this id.' });
  const { items: deliveries } = await listDeliveries({ ctx, input: { leadId: id, limit: 200 } });
  setVersionTag(c, found.lead.version);
  return c.json(
    {
      ...leadView(found.lead),
      sale: found.sale ? saleView(found.sale) : null,
      latest_analysis: found.latestAnalysis ? analysisView(found.latestAnalysis) : null,
      events: found.events.map(leadEventView),
      changes: found.changes.map(auditView),
      deliveries: deliveries.map(deliveryView),
    },
    200,
  );
});
