import { z } from 'zod';
import { DEFAULT_WORKSPACE_ID } from '../domain/workspace';

/**
 * The "deliveries" queue's (and its dead-letter queue's) contract: one message per outbox row. The row
 * holds everything; the message says which one to work on, and in which workspace (row-level security
 * shows the consumer only that workspace's rows). A message queued before workspaces existed belongs to
 * the default one.
 */
export const DeliveryMessageSchema = z.object({ delivery_id: z.uuid(), workspace_id: z.uuid().default(DEFAULT_WORKSPACE_ID) });
export type DeliveryMessage = z.infer<typeof DeliveryMessageSchema>;
