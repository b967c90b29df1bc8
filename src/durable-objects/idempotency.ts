import { DurableObject } from 'cloudflare:workers';

export interface StoredResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export type IdempotencyBegin =
  | { state: 'new' }
  | { state: 'replay'; response: StoredResponse }
  | { state: 'in_progress' }
  | { state: 'mismatch' };

interface Rec {
  fingerprint: string;
  startedAt: number;
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
  async begin(fingerprint: string, now = Date.now()): Promise<IdempotencyBegin> {
    const rec = await this.ctx.storage.get<Rec>('rec');
    if (rec) {
      if (rec.fingerprint !== fingerprint) return { state: 'mismatch' };
      if (rec.response) return { state: 'replay', response: rec.response };
      if (now - rec.startedAt < STALE_LOCK_MS) return { state: 'in_progress' };
    }
    await this.ctx.storage.put<Rec>('rec', { fingerprint, startedAt: now });
    await this.ctx.storage.setAlarm(now + KEEP_MS);
    return { state: 'new' };
  }

  async complete(response: StoredResponse): Promise<void> {
    const rec = await this.ctx.storage.get<Rec>('rec');
    if (rec) await this.ctx.storage.put<Rec>('rec', { ...rec, response });
  }

  /** The request failed without a side effect: let a retry run it again. */
  async release(): Promise<void> {
    await this.ctx.storage.deleteAll();
  }

  override async alarm(): Promise<void> {
    await this.ctx.storage.deleteAll();
  }
}
