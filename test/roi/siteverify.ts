import { HttpResponse, http } from 'msw';
import { SITEVERIFY_URL, siteverifyRequests } from '../support/msw';

/** Siteverify passing for a widget with `action` (the shared handler answers for action "lead"). */
export function turnstilePassesFor(action: string) {
  return http.post(SITEVERIFY_URL, async ({ request }) => {
    siteverifyRequests.push((await request.json()) as Record<string, unknown>);
    return HttpResponse.json({
      success: true,
      challenge_ts: new Date().toISOString(),
      hostname: 'www.example.com',
      'error-codes': [],
      action,
      cdata: '',
      metadata: { ephemeral_id: 'x:1234567890' },
    });
  });
}

export const TOKEN = 'XXXX.DUMMY.TOKEN.XXXX';
