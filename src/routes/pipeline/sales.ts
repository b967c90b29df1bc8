import { z } from '@hono/zod-openapi';
import { SALE_STAGES } from '../../domain/pipeline';
import { defineRoute } from '../../http/route';
import { createRouter } from '../../http/router';
import { adminErrors } from '../../http/schemas/common';
import { serviceContext } from '../../http/service-context';
import { ifMatchVersion, setVersionTag } from '../../http/versions';
import { verifyAudit } from '../../services/pipeline/audit';
import { applyChange } from '../../services/pipeline/change';
import { getSale, listSales, scoringAnalytics } from '../../services/read-leads';
import { decodeCursor, encodeCursor, pageQuery } from '../cursor';
import { LeadViewSchema, leadView } from '../leads/lead-view';
import { IdParam, NoteSchema, pipelineWriteErrors, VersionHeaders, versionedWrite } from './schemas';
import { AuditEntrySchema, auditView, SaleSchema, saleView } from './views';

const SaleId = IdParam('Sale');

const listRoute = defineRoute(
  { scope: 'leads:read' },
  {
    method: 'get',
    path: '/sales',
    tags: ['Sales (admin)'],
    summary: 'Sales, newest first',
    request: { query: z.object({ stage: z.enum(SALE_STAGES).optional().openapi({ description: 'Only sales in this stage.', example: 'kyc' }), ...pageQuery }) },
    responses: {
      200: {
        description: 'A page of sales.',
        content: {
          'application/json': {
            schema: z
              .object({
                items: z.array(SaleSchema).openapi({ description: 'Sales on this page.' }),
                next_cursor: z.string().nullable().openapi({ description: 'Pass as `cursor` for the next page; null on the last page.', example: null }),
              })
              .openapi('SalePage'),
          },
        },
      },
    },
  },
);

const getRoute = defineRoute(
  { scope: 'leads:read' },
  {
    method: 'get',
    path: '/sales/{id}',
    tags: ['Sales (admin)'],
    summary: 'A sale with its lead and its audit entries',
    request: { params: SaleId },
    responses: {
      200: {
        description: 'The sale (its ETag is its version).',
        headers: VersionHeaders,
        content: {
          'application/json': {
            schema: SaleSchema.extend({
              lead: LeadViewSchema.openapi({ description: 'The transferred lead.' }),
              changes: z.array(AuditEntrySchema).openapi({ description: "The sale's audit entries, oldest first." }),
            }).openapi('SaleDetail'),
          },
        },
      },
      ...adminErrors,
    },
  },
);

const stageRoute = defineRoute(
  { scope: 'sales:write' },
  {
    method: 'patch',
    path: '/sales/{id}/stage',
    tags: ['Sales (admin)'],
    summary: "Move a sale's stage",
    description:
      "One step forward (new → kyc → agreement → paid), or to lost from any stage before paid. `paid` and `lost` are final (a CRM's " +
      '"won" may revive a lost deal, and the audit log says so). Send the sale\'s ETag as If-Match. A first payment unlocks the ' +
      'product trial (lead.trial_unlocked to the product).',
    request: versionedWrite(
      SaleId,
      z
        .strictObject({ stage: z.enum(SALE_STAGES).openapi({ description: 'The stage to move to.', example: 'kyc' }), note: NoteSchema })
        .openapi('SaleStageChange'),
    ),
    responses: { 200: { description: 'Moved.', headers: VersionHeaders, content: { 'application/json': { schema: SaleSchema } } }, ...pipelineWriteErrors },
  },
);

const verifyRoute = defineRoute(
  { scope: 'leads:read' },
  {
    method: 'get',
    path: '/audit/verify',
    tags: ['Pipeline (admin)'],
    summary: "Verify the workspace's audit chain",
    description:
      "Recomputes every entry's hash in Postgres (the same function `npm run audit:verify` calls) and reports the first broken link: a " +
      'missing entry, one that does not follow the one before, one whose content changed, or entries removed from the end.',
    responses: {
      200: {
        description: 'The result.',
        content: {
          'application/json': {
            schema: z
              .object({
                ok: z.boolean().openapi({ description: 'True when the chain is unbroken.', example: true }),
                entries: z.number().int().openapi({ description: 'Entries checked (up to the first broken one).', example: 128 }),
                broken: z
                  .object({
                    seq: z.number().int().openapi({ description: 'The first entry that breaks the chain.', example: 57 }),
                    id: z.string().nullable().openapi({ description: 'Its id (null when entries are missing at the end).', example: null }),
                    problem: z
                      .string()
                      .openapi({ description: 'What is wrong with it.', example: 'its content does not match its hash (changed after it was written)' }),
                  })
                  .nullable()
                  .openapi({ description: 'Null when ok.' }),
              })
              .openapi('AuditVerification'),
          },
        },
      },
    },
  },
);

const ScoreBandSchema = z
  .object({
    band: z.string().openapi({ description: 'Score at transfer, from–to.', example: '0.6–0.8' }),
    transferred: z.number().int().openapi({ description: 'Leads transferred.', example: 10 }),
    paid: z.number().int().openapi({ description: 'Of them, paid.', example: 6 }),
    lost: z.number().int().openapi({ description: 'Of them, lost.', example: 3 }),
    open: z.number().int().openapi({ description: 'Still open.', example: 1 }),
  })
  .openapi('ScoreBand', { description: 'How the leads transferred with a score in one band ended.' });

const analyticsRoute = defineRoute(
  { scope: 'leads:read' },
  {
    method: 'get',
    path: '/analytics/scoring',
    tags: ['Pipeline (admin)'],
    summary: 'How transferred leads ended, per score band',
    description:
      'Per band of the score a lead had when it was transferred: how many were transferred, paid, lost, and are still open. It shows whether the transfer threshold is right.',
    responses: {
      200: {
        description: 'The report.',
        content: {
          'application/json': {
            schema: z
              .object({
                threshold: z.number().openapi({ description: 'The current TRANSFER_MIN_SCORE.', example: 0.6 }),
                bands: z.array(ScoreBandSchema).openapi({ description: 'Lowest band first.' }),
                unscored: ScoreBandSchema.openapi({ description: 'Sales without a score at transfer (from before the pipeline existed).' }),
              })
              .openapi('ScoringAnalytics'),
          },
        },
      },
    },
  },
);

export const salesRouter = createRouter()
  .openapi(listRoute, async (c) => {
    const q = c.req.valid('query');
    const page = await listSales({ ctx: serviceContext(c), input: { stage: q.stage, after: q.cursor ? decodeCursor(q.cursor) : undefined, limit: q.limit } });
    return c.json({ items: page.items.map(saleView), next_cursor: page.next ? encodeCursor(page.next) : null }, 200);
  })
  .openapi(getRoute, async (c) => {
    const { sale, lead, changes } = await getSale({ ctx: serviceContext(c), input: c.req.valid('param') });
    setVersionTag(c, sale.version);
    return c.json({ ...saleView(sale), lead: leadView(lead), changes: changes.map(auditView) }, 200);
  })
  .openapi(stageRoute, async (c) => {
    const { id } = c.req.valid('param');
    const { stage, note } = c.req.valid('json');
    const ctx = serviceContext(c);
    const { sale } = await getSale({ ctx, input: { id } });
    const result = await applyChange({
      ctx,
      input: {
        leadId: sale.leadId,
        action: { type: 'move_sale', to: stage },
        actor: { kind: 'manager', name: c.var.actor },
        expectedVersion: ifMatchVersion(c),
        note,
      },
    });
    setVersionTag(c, result.sale!.version);
    return c.json(saleView(result.sale!), 200);
  })
  .openapi(verifyRoute, async (c) => {
    const check = await verifyAudit({ ctx: serviceContext(c) });
    return c.json({ ok: check.ok, entries: check.entries, broken: check.broken ?? null }, 200);
  })
  .openapi(analyticsRoute, async (c) => c.json(await scoringAnalytics({ ctx: serviceContext(c) }), 200));
