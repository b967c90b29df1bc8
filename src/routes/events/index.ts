import { createRouter } from '../../http/router';
import { getEvent } from './get-event';
import { replayEventHandler } from './replay-event';

/** Admin: GET /events/{id} (what became of an accepted event), POST /events/{id}/replay. */
export const eventsRouter = createRouter().route('/', getEvent).route('/', replayEventHandler);
