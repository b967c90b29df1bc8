import { DurableObject } from 'cloudflare:workers';

export interface StoredResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export type IdempotencyBegin =
  | { state: 'new'; eventId: string }
  | { state: 'replay'; response: StoredResponse }
  | { state: 'in_progress' }
  | { state: 'mismatch' };

interface Rec {
  fingerprint: string;
  startedAt: number;
  /** The id the side effect is made under: a re-run after a crash reuses it, so downstream dedupes it. */
  eventId: string;
  response?: StoredResponse;
}

const KEEP_MS = 24 * 60 * 60 * 1000;
/** A request that crashed mid-way leaves a lock; after this long a retry may take it over. */
const STALE_LOCK_MS = 60 * 1000;

/**
 * One instance per (endpoint, Idempotency-Key). The first request takes the key; a retry with the same
 * body gets the stored answer; a retry with another body is refused; the record is forgotten after 24 h.
 */
export class IdempotencyStore extends DurableObject<Env> {
  async begin(fingerprint: string, proposedEventId: string, now = Date.now()): Promise<IdempotencyBegin> {
    const rec = await this.ctx.storage.get<Rec>('rec');
    if (rec) {
      if (rec.fingerprint !== fingerprint) return { state: 'mismatch' };
      if (rec.response) return { state: 'replay', response: rec.response };
      if (now - rec.startedAt < STALE_LOCK_MS) return { state: 'in_progress' };
    }
    const eventId = rec?.eventId ?? proposedEventId;
    await this.ctx.storage.put<Rec>('rec', { fingerprint, startedAt: now, eventId });
    await this.ctx.storage.setAlarm(now + KEEP_MS);
    return { state: 'new', eventId };
  }

  async complete(response: StoredResponse): Promise<void> {
    const rec = await this.ctx.storage.get<Rec>('rec');
    if (rec) await this.ctx.storage.put<Rec>('rec', { ...rec, response });
  }

  /**
   * The request failed: let a retry run it again. The reserved event id is kept, so if the failure came
   * after the side effect (the event was queued, the answer was not stored), the retry's event is
   * recognised downstream as the same one.
   */
  async release(): Promise<void> {
    const rec = await this.ctx.storage.get<Rec>('rec');
    if (rec) await this.ctx.storage.put<Rec>('rec', { ...rec, startedAt: 0 });
  }

  override async alarm(): Promise<void> {
    await this.ctx.storage.deleteAll();
  }
}
