import { escapeHtml, rows, textRows } from './html';

/** The data every demo email gets (see src/services/demo-invites.ts demoEmailData). */
export interface DemoEmailData {
  audience: 'prospect' | 'host';
  booking_id: string;
  prospect: { name: string | null; email: string; company: string | null; phone: string | null };
  host: { name: string; email: string };
  local_start: string;
  local_end: string;
  time_zone: string;
  notes: string | null;
  cancel_url?: string;
  reschedule_url?: string;
  updated?: boolean;
}

/** "Mon, 2 Nov 2026, 09:00–09:30 (America/New_York)" from the RFC 3339 local times. */
export function when(d: DemoEmailData): string {
  const start = d.local_start;
  const date = new Date(`${start.slice(0, 10)}T00:00:00Z`).toLocaleDateString('en-GB', {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  });
  return `${date}, ${start.slice(11, 16)}–${d.local_end.slice(11, 16)} (${d.time_zone})`;
}

export function detailPairs(d: DemoEmailData): Array<[string, unknown]> {
  return d.audience === 'prospect'
    ? [
        ['When', when(d)],
        ['With', d.host.name],
      ]
    : [
        ['When', when(d)],
        ['Prospect', d.prospect.name ?? d.prospect.email],
        ['Email', d.prospect.email],
        ['Company', d.prospect.company],
        ['Phone', d.prospect.phone],
        ['Notes', d.notes],
      ];
}

/** Links to change the booking (prospect only). */
export function manageLinks(d: DemoEmailData): { html: string; text: string } {
  if (!d.reschedule_url || !d.cancel_url) return { html: '', text: '' };
  return {
    html: `<p><a href="${escapeHtml(d.reschedule_url)}">Reschedule</a> · <a href="${escapeHtml(d.cancel_url)}">Cancel</a></p>`,
    text: `Reschedule: ${d.reschedule_url}\nCancel: ${d.cancel_url}`,
  };
}

export const detailsHtml = (d: DemoEmailData) => rows(detailPairs(d));
export const detailsText = (d: DemoEmailData) => textRows(detailPairs(d));
