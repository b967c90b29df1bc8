import { createRouter } from '../../http/router';
import { calculateRoi } from './calculate-roi';

/** Public: POST /tools/calculate-roi. */
export const toolsRouter = createRouter().route('/', calculateRoi);
