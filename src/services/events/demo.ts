import type { Config } from '../../config';
import type { Lead } from '../../db/schema';
import { formatInZone } from '../../domain/zoned-time';
import { BOARD_STATUS, bookingConfirmed, bookingReminder, type ChatbotFacts, type ChatbotMeeting, mondayItem } from '../../fanout/chatbot-fanout';
import { demoEmailData, inviteEmails } from '../../fanout/demo-invites';
import { crmMeetingSyncs, salesNotification } from '../../fanout/lead-fanout';
import { smsRequest } from '../../fanout/sms-delivery';
import type { DeliveryRequest } from '../../fanout/types';
import type { CrmMeeting } from '../../integrations/crm/types';
import type { DemoEvent } from '../../messages/events';
import type { ServiceContext } from '../context';
import type { EventPlan } from './plan';

const HISTORY_TYPE: Record<DemoEvent['type'], string> = {
  'demo.booked': 'demo_booked',
  'demo.cancelled': 'demo_cancelled',
  'demo.rescheduled': 'demo_rescheduled',
  'demo.reminder_due': 'demo_reminder_sent',
};

const MEETING_STATUS = { 'demo.booked': 'scheduled', 'demo.rescheduled': 'rescheduled', 'demo.cancelled': 'cancelled' } as const;

/**
 * A change of a demo booking, as its host's Scheduler announced it: the lead (the contact as captured
 * when booking — so it only fills gaps in anything newer), a history entry per change, the mirror row,
 * the invites (.ics, same UID throughout), sales' note and the meeting on the CRM record.
 */
export function planDemoEvent({ ctx, input: event }: { ctx: ServiceContext; input: DemoEvent }): EventPlan {
  const { booking, host } = event;
  const capturedAt = event.type === 'demo.booked' ? event.occurred_at : booking.created_at;
  const extra =
    event.type === 'demo.rescheduled' ? { previous_start: event.previous_start } : event.type === 'demo.booked' ? { notes: booking.notes ?? null } : {};
  const meeting = (status: CrmMeeting['status']): CrmMeeting => ({
    bookingId: booking.id,
    title: `Product demo: ${booking.contact.company ?? booking.contact.name ?? booking.contact.email} with ${host.name}`,
    start: booking.start,
    end: booking.end,
    status,
    externalUrl: `${ctx.config.core.publicOrigin}/api/v1/events/${booking.id}`,
    description: [booking.notes ? `Notes: ${booking.notes}` : '', `Booked through Leadgate (booking ${booking.id}).`].filter(Boolean).join('\n'),
  });

  const deliveries = (leadId: string, lead: Parameters<EventPlan['deliveries']>[0]): DeliveryRequest[] => {
    switch (event.type) {
      case 'demo.booked':
        if (booking.chatbot && lead) return chatbotBooked(ctx.config, event, lead, meeting('scheduled'));
        return [
          ...inviteEmails(booking, host, leadId, { template: 'demo_invite', method: 'REQUEST' }),
          ...(lead
            ? [
                salesNotification(ctx.config.email, lead, 'demo_request', {
                  booking_id: booking.id,
                  demo_start: booking.start,
                  demo_end: booking.end,
                  host: host.name,
                  host_local_start: formatInZone(Date.parse(booking.start), host.time_zone),
                  visitor_time_zone: booking.visitor_time_zone,
                  notes: booking.notes ?? null,
                }),
                ...crmMeetingSyncs(ctx.config.crm, lead, meeting(MEETING_STATUS[event.type])),
              ]
            : []),
        ];
      case 'demo.cancelled':
        return [
          ...(booking.chatbot && lead ? [mondayItem(lead, chatbotFacts(event), BOARD_STATUS.cancelled)] : []),
          ...inviteEmails(booking, host, leadId, { template: 'demo_cancelled', method: 'CANCEL' }),
          ...(lead ? crmMeetingSyncs(ctx.config.crm, lead, meeting('cancelled')) : []),
        ];
      case 'demo.rescheduled':
        return [
          ...(booking.chatbot && lead ? [mondayItem(lead, chatbotFacts(event), BOARD_STATUS.booked, booking.start)] : []),
          ...inviteEmails(booking, host, leadId, {
            template: 'demo_invite',
            method: 'REQUEST',
            extra: { updated: true, previous_start: event.previous_start },
          }),
          ...(lead ? crmMeetingSyncs(ctx.config.crm, lead, meeting('rescheduled')) : []),
        ];
      case 'demo.reminder_due':
        if (booking.chatbot && lead) return bookingReminder(ctx.config, lead, chatbotFacts(event), chatbotMeeting(event));
        return reminder(ctx.config, event, leadId);
    }
  };

  return {
    contact: { contact: booking.contact, occurredAt: Date.parse(capturedAt) },
    history: {
      type: HISTORY_TYPE[event.type],
      source: 'demo_request',
      payload: {
        booking_id: booking.id,
        host_id: booking.host_id,
        start: booking.start,
        end: booking.end,
        status: booking.status,
        sequence: booking.sequence,
        visitor_time_zone: booking.visitor_time_zone,
        ...extra,
      },
    },
    ...(event.type === 'demo.reminder_due' ? {} : { booking: { booking, changedAt: event.occurred_at } }),
    ...(event.type === 'demo.booked' && booking.chatbot ? { advance: { to: 'contacted' as const, actor: `chatbot:${booking.chatbot.platform}` } } : {}),
    deliveries: (lead) => (lead ? deliveries(lead.id, lead) : []),
  };
}

/** The reminder: an email to the prospect, and a text when they consented to SMS and gave a number. */
function reminder(config: Config, event: DemoEvent, leadId: string): DeliveryRequest[] {
  const { booking, host } = event;
  const contact = booking.contact;
  const requests: DeliveryRequest[] = [
    {
      destination: 'email',
      key: 'demo_reminder',
      leadId,
      payload: {
        template: 'demo_reminder',
        to: [{ email: contact.email, ...(contact.name ? { name: contact.name } : {}) }],
        data: demoEmailData(booking, host, 'prospect'),
      },
    },
  ];
  if (contact.consent?.sms && contact.phone) {
    const local = formatInZone(Date.parse(booking.start), booking.visitor_time_zone);
    requests.push(
      ...smsRequest(config, {
        key: 'demo_reminder',
        leadId,
        to: contact.phone,
        body: `Reminder: your demo with ${host.name} starts at ${local.slice(11, 16)} (${booking.visitor_time_zone}). To reschedule: ${booking.reschedule_url}`,
      }),
    );
  }
  return requests;
}

/** A booking made in a chatbot conversation, as its fan-out sees it. */
const chatbotFacts = (event: DemoEvent): ChatbotFacts => ({
  platform: event.booking.chatbot!.platform,
  user_hash: event.booking.chatbot!.user_hash,
  package: event.booking.chatbot!.package,
  topic: event.booking.chatbot!.topic,
  analyticsConsent: event.booking.contact.consent?.analytics === true,
  occurredAt: event.occurred_at,
});

const chatbotMeeting = ({ booking, host }: DemoEvent): ChatbotMeeting => ({
  booking_id: booking.id,
  start: booking.start,
  time_zone: booking.visitor_time_zone,
  consultant: host.name,
  cancel_url: booking.cancel_url,
  reschedule_url: booking.reschedule_url,
});

/**
 * Booked in a chatbot conversation: the visitor's invite is the Polish booking confirmation (the same
 * .ics attached), with the text, the board and GA4; the host's invite, sales' note and the CRM meeting
 * are those of any demo.
 */
function chatbotBooked(config: Config, event: DemoEvent, lead: Lead, meeting: CrmMeeting): DeliveryRequest[] {
  const [prospect, hostInvite] = inviteEmails(event.booking, event.host, lead.id, { template: 'demo_invite', method: 'REQUEST' });
  const attachments = prospect?.destination === 'email' ? prospect.payload.attachments : undefined;
  return [
    ...bookingConfirmed(config, lead, chatbotFacts(event), chatbotMeeting(event), attachments),
    ...(hostInvite ? [hostInvite] : []),
    salesNotification(config.email, lead, 'chatbot', {
      booking_id: event.booking.id,
      demo_start: event.booking.start,
      host: event.host.name,
      package: event.booking.chatbot?.package ?? null,
      topic: event.booking.chatbot?.topic ?? null,
    }),
    ...crmMeetingSyncs(config.crm, lead, meeting),
  ];
}
