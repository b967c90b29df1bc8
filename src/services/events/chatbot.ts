import { chatbotStepDeliveries } from '../../fanout/chatbot-fanout';
import type { ChatbotStepEvent } from '../../messages/events';
import type { ServiceContext } from '../context';
import type { EventPlan } from './plan';

/**
 * A step of a chatbot conversation: once the person has given an email, the lead (source `chatbot`)
 * and a `chatbot_<step>` history entry; the step's deliveries (src/fanout/chatbot-fanout.ts). A step
 * before contact details (the greeting, a tracked click) reaches GA4 alone, with analytics consent.
 */
export function planChatbotStep({ ctx, input: event }: { ctx: ServiceContext; input: ChatbotStepEvent }): EventPlan {
  const facts = {
    platform: event.platform,
    ...(event.package ? { package: event.package } : {}),
    ...(event.topic ? { topic: event.topic } : {}),
    ...(event.track ? { track: event.track } : {}),
    ...(event.booking ? { booking_id: event.booking.id, provider: event.booking.provider, start: event.booking.start } : {}),
    ...(event.question ? { question: event.question } : {}),
  };
  return {
    ...(event.contact
      ? {
          contact: { contact: event.contact, occurredAt: Date.parse(event.occurred_at) },
          history: { type: `chatbot_${event.step}`, source: 'chatbot', payload: facts },
        }
      : {}),
    // A consultant takes over, or a meeting is booked: the company is now in contact with the person.
    ...(event.contact && (event.step === 'handoff' || event.step === 'booked')
      ? { advance: { to: 'contacted' as const, actor: `chatbot:${event.platform}` } }
      : {}),
    deliveries: (lead) => chatbotStepDeliveries(ctx.config, event, lead),
  };
}
