import { createRouter } from '../../http/router';
import { pipelineLeadsRouter } from './leads';
import { salesRouter } from './sales';

/**
 * The pipeline (API keys): lead stages, transfer, analysis, contact edits, the audit log (under
 * /leads/{id}/…); sales; the chain check and the scoring report.
 */
export const pipelineRouter = createRouter().route('/', pipelineLeadsRouter).route('/', salesRouter);
