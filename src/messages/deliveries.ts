import { z } from 'zod';

/**
 * The "deliveries" queue's (and its dead-letter queue's) contract: one message per outbox row. The row
 * holds everything; the message only says which one to work on.
 */
export const DeliveryMessageSchema = z.object({ delivery_id: z.uuid() });
export type DeliveryMessage = z.infer<typeof DeliveryMessageSchema>;
