import { createRouter } from '../../http/router';
import { getDeliveryHandler } from './get-delivery';
import { listDeliveriesHandler } from './list-deliveries';
import { replayDeliveriesHandler } from './replay-deliveries';

/** Admin: the delivery ledger and replay. */
export const deliveriesRouter = createRouter().route('/', listDeliveriesHandler).route('/', replayDeliveriesHandler).route('/', getDeliveryHandler);
