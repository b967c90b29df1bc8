import { z } from '@hono/zod-openapi';
import { LEAD_STAGES } from '../../domain/pipeline';
import { defineRoute } from '../../http/route';
import { createRouter } from '../../http/router';
import { adminErrors, DomainSchema, PhoneSchema, singleLine } from '../../http/schemas/common';
import { BusinessDomainSchema } from '../../http/schemas/lead-submission';
import { serviceContext } from '../../http/service-context';
import { ifMatchVersion, setVersionTag } from '../../http/versions';
import { analyzeLead } from '../../services/pipeline/analyze';
import { leadAudit } from '../../services/pipeline/audit';
import { applyChange } from '../../services/pipeline/change';
import { editLeadContact } from '../../services/pipeline/manager-leads';
import { LeadViewSchema, leadView } from '../leads/lead-view';
import { IdParam, NoteSchema, pipelineWriteErrors, VersionHeaders, versionedWrite } from './schemas';
import { AnalysisSchema, AuditEntrySchema, analysisView, auditView, SaleSchema, saleView } from './views';

const LeadId = IdParam('Lead');
const manager = (c: Parameters<typeof serviceContext>[0]) => ({ kind: 'manager' as const, name: c.var.actor });

const stageRoute = defineRoute(
  { scope: 'pipeline:write' },
  {
    method: 'patch',
    path: '/leads/{id}/stage',
    tags: ['Pipeline (admin)'],
    summary: "Move a lead's stage",
    description:
      'One step forward (new → contacted → qualified), or to lost from any open stage. Skipping, going back, and leaving ' +
      '`transferred` or `lost` are refused with 409 naming the rule; `transferred` is reached only by POST …/transfer. Send the ' +
      "lead's ETag as If-Match: of two concurrent changes one wins, the other gets 412 (or 409 once the stage moved). Every change " +
      'and every refusal is in the audit log.',
    request: versionedWrite(
      LeadId,
      z
        .strictObject({ stage: z.enum(LEAD_STAGES).openapi({ description: 'The stage to move to.', example: 'contacted' }), note: NoteSchema })
        .openapi('LeadStageChange'),
    ),
    responses: {
      200: { description: 'Moved.', headers: VersionHeaders, content: { 'application/json': { schema: LeadViewSchema } } },
      ...pipelineWriteErrors,
    },
  },
);

const transferRoute = defineRoute(
  { scope: 'pipeline:write' },
  {
    method: 'post',
    path: '/leads/{id}/transfer',
    tags: ['Pipeline (admin)'],
    summary: 'Transfer a qualified lead to sales',
    description:
      'Allowed only when every hard gate holds: the stage is qualified; the latest analysis scored at least TRANSFER_MIN_SCORE (0.6) ' +
      'and is no older than ANALYSIS_TTL_SECONDS; the lead has a business_domain. Otherwise 409 with `failed_gates` naming every one ' +
      'that failed. The gates are business rules: the score is advice, a manager decides, and nothing automatic ever transfers. A ' +
      'transfer creates the sale (stage new), pushes the stage to the CRMs (HubSpot lifecycle and lead status, a Pipedrive deal) and ' +
      'notifies sales.',
    request: versionedWrite(LeadId, z.strictObject({ note: NoteSchema }).openapi('Transfer'), false),
    responses: {
      201: {
        description: 'Transferred: the lead and its new sale.',
        headers: VersionHeaders,
        content: { 'application/json': { schema: z.object({ lead: LeadViewSchema, sale: SaleSchema }).openapi('TransferResult') } },
      },
      ...pipelineWriteErrors,
    },
  },
);

const analyzeRoute = defineRoute(
  { scope: 'pipeline:write' },
  {
    method: 'post',
    path: '/leads/{id}/analyze',
    tags: ['Pipeline (admin)'],
    summary: 'Score a lead (advisory)',
    description:
      "Returns the score (0–1), a recommendation (transfer_to_sales, nurture, disqualify), one sentence why, and each feature's " +
      'contribution. The scorer sees exactly: source, stage, message_count, has_business_domain, business_domain, ' +
      'days_since_created — nothing else about the person. It never changes a stage. The same input within the hour returns the ' +
      'stored analysis (`cached: true`) without calling a scorer. SCORER=llm asks an OpenAI-compatible model, and falls back to the ' +
      'rules (saying so in `model`) when it is slow, wrong or refuses.',
    request: { params: LeadId },
    responses: { 200: { description: 'The analysis.', content: { 'application/json': { schema: AnalysisSchema } } }, ...adminErrors },
  },
);

const auditRoute = defineRoute(
  { scope: 'leads:read' },
  {
    method: 'get',
    path: '/leads/{id}/audit',
    tags: ['Pipeline (admin)'],
    summary: "A lead's audit log",
    description: 'Every change of the lead and its sale, every refusal and every analysis requested, oldest first, with who, when, from, to and why.',
    request: { params: LeadId },
    responses: {
      200: {
        description: 'The entries.',
        content: {
          'application/json': { schema: z.object({ items: z.array(AuditEntrySchema).openapi({ description: 'Oldest first.' }) }).openapi('AuditLog') },
        },
      },
    },
  },
);

const contactRoute = defineRoute(
  { scope: 'leads:write' },
  {
    method: 'patch',
    path: '/leads/{id}',
    tags: ['Pipeline (admin)'],
    summary: "Edit a lead's contact data",
    description: 'Fields given are set (null clears); with If-Match. The audit log names the fields changed; the CRMs are updated.',
    request: versionedWrite(
      LeadId,
      z
        .strictObject({
          name: singleLine(200).nullable().optional().openapi({ description: 'Full name.', example: 'Jane Doe' }),
          company: singleLine(200).nullable().optional().openapi({ description: 'Company name.', example: 'Acme Inc.' }),
          company_domain: DomainSchema.nullable().optional(),
          phone: PhoneSchema.nullable().optional(),
          business_domain: BusinessDomainSchema.nullable().optional(),
        })
        .openapi('ContactEdit'),
    ),
    responses: {
      200: { description: 'The lead now.', headers: VersionHeaders, content: { 'application/json': { schema: LeadViewSchema } } },
      ...pipelineWriteErrors,
    },
  },
);

export const pipelineLeadsRouter = createRouter()
  .openapi(stageRoute, async (c) => {
    const { id } = c.req.valid('param');
    const { stage, note } = c.req.valid('json');
    const result = await applyChange({
      ctx: serviceContext(c),
      input: { leadId: id, action: { type: 'move_lead', to: stage }, actor: manager(c), expectedVersion: ifMatchVersion(c), note },
    });
    setVersionTag(c, result.lead.version);
    return c.json(leadView(result.lead), 200);
  })
  .openapi(transferRoute, async (c) => {
    const { id } = c.req.valid('param');
    const body = await c.req.json<{ note?: string }>().catch(() => ({}) as { note?: string });
    const result = await applyChange({
      ctx: serviceContext(c),
      input: { leadId: id, action: { type: 'transfer' }, actor: manager(c), expectedVersion: ifMatchVersion(c), note: body.note },
    });
    setVersionTag(c, result.lead.version);
    c.header('location', `/api/v1/sales/${result.sale!.id}`);
    return c.json({ lead: leadView(result.lead), sale: saleView(result.sale!) }, 201);
  })
  .openapi(analyzeRoute, async (c) => {
    const { id } = c.req.valid('param');
    const { analysis, cached } = await analyzeLead({ ctx: serviceContext(c), input: { leadId: id, trigger: 'manager' } });
    return c.json(analysisView(analysis, cached), 200);
  })
  .openapi(auditRoute, async (c) => {
    const { id } = c.req.valid('param');
    return c.json({ items: (await leadAudit({ ctx: serviceContext(c), input: { leadId: id } })).map(auditView) }, 200);
  })
  .openapi(contactRoute, async (c) => {
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    const lead = await editLeadContact({
      ctx: serviceContext(c),
      input: {
        leadId: id,
        expectedVersion: ifMatchVersion(c),
        edit: {
          ...('name' in body ? { name: body.name ?? null } : {}),
          ...('company' in body ? { company: body.company ?? null } : {}),
          ...('company_domain' in body ? { companyDomain: body.company_domain ?? null } : {}),
          ...('phone' in body ? { phone: body.phone ?? null } : {}),
          ...('business_domain' in body ? { businessDomain: body.business_domain ?? null } : {}),
        },
      },
    });
    setVersionTag(c, lead.version);
    return c.json(leadView(lead), 200);
  });
