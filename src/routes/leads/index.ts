import { createRouter } from '../../http/router';
import { createLead } from './create-lead';
import { getLead } from './get-lead';
import { listLeadsHandler } from './list-leads';

/** Public: POST /leads. Admin (API key, declared on each route): GET /leads, GET /leads/{id}. */
export const leadsRouter = createRouter().route('/', createLead).route('/', listLeadsHandler).route('/', getLead);
