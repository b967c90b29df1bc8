import { createRouter } from '../../http/router';
import { downloadFile } from './download-file';
import { requestDownload } from './request-download';

/** Public: POST /content/{slug}/download (gated), GET /content/{slug}/file (signed link). */
export const contentRouter = createRouter().route('/', requestDownload).route('/', downloadFile);
