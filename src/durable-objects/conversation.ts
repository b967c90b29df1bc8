import { DurableObject } from 'cloudflare:workers';
import type { VisitorSlot } from '../domain/availability';
import { workspaceObjectName } from '../domain/workspace';

/**
 * What a chatbot conversation must remember between steps: the chosen package, the topic, the slots
 * offered (so "book" can only take one of them), the booking made, and which once-only steps already
 * happened (their event ids). One object per (workspace, platform, bot user); it forgets everything
 * CHATBOT_CONVERSATION_TTL_SECONDS after the last step, from its own alarm.
 */
export interface ConversationState {
  started_at: number;
  updated_at: number;
  expires_at: number;
  package?: string;
  topic?: string;
  question?: string;
  offered?: VisitorSlot[];
  booking?: { id: string; start: string; provider: string; local_start: string; host_name: string };
  /** step key → the event id it was announced under: a retried step reuses it, so it happens once. */
  steps: Record<string, string>;
  /**
   * A platform without attributes of its own (Telegram) keeps its flow here: what the next typed text
   * is (`button`: nothing typed is expected, a button is), and the email the person gave.
   */
  awaiting?: 'email' | 'question' | 'button';
  contact?: { email: string; name?: string };
  /** Telegram: the last update ids handled, oldest first (at most UPDATES_KEPT), so a redelivered update is recognised. */
  updates?: number[];
}

/** How many update ids a conversation remembers: Telegram redelivers a recent update, never an old one. */
export const UPDATES_KEPT = 50;

export type ConversationPatch = Partial<Omit<ConversationState, 'started_at' | 'updated_at' | 'expires_at' | 'steps'>> & {
  steps?: Record<string, string>;
};

export class Conversation extends DurableObject<Env> {
  /** The state, or a fresh one when there is none or it has expired. */
  async read(now = Date.now()): Promise<ConversationState | null> {
    const state = await this.ctx.storage.get<ConversationState>('state');
    return state && state.expires_at > now ? state : null;
  }

  /** Merges a step's facts (an empty value leaves a known one as it is) and pushes the expiry back. */
  async update(patch: ConversationPatch, ttlSeconds: number, now = Date.now()): Promise<ConversationState> {
    const current = await this.read(now);
    const base: ConversationState = current ?? { started_at: now, updated_at: now, expires_at: now, steps: {} };
    const defined = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined && v !== ''));
    const next: ConversationState = {
      ...base,
      ...defined,
      steps: { ...base.steps, ...(patch.steps ?? {}) },
      updated_at: now,
      expires_at: now + ttlSeconds * 1000,
    };
    await this.ctx.storage.put('state', next);
    await this.ctx.storage.setAlarm(next.expires_at);
    return next;
  }

  /**
   * Claims a once-only step: the first caller's event id is kept and returned to every later caller, so
   * a retried or repeated request announces the step under the same id (and the ledger takes it once).
   */
  async claimStep(step: string, eventId: string, ttlSeconds: number, now = Date.now()): Promise<{ eventId: string; first: boolean; state: ConversationState }> {
    return this.ctx.blockConcurrencyWhile(async () => {
      const current = await this.read(now);
      const existing = current?.steps[step];
      if (existing) return { eventId: existing, first: false, state: current };
      const state = await this.update({ steps: { [step]: eventId } }, ttlSeconds, now);
      return { eventId, first: true, state };
    });
  }

  /**
   * Claims a platform's update (Telegram's `update_id`) for this conversation: true the first time,
   * false for a redelivery of one already handled. The ids kept are the last UPDATES_KEPT.
   */
  async claimUpdate(updateId: number, ttlSeconds: number, now = Date.now()): Promise<boolean> {
    // Nothing else runs in this object until the claim is written: two copies arriving at once get one true.
    return this.ctx.blockConcurrencyWhile(async () => {
      const current = await this.read(now);
      const seen = current?.updates ?? [];
      if (seen.includes(updateId)) return false;
      await this.update({ updates: [...seen, updateId].slice(-UPDATES_KEPT) }, ttlSeconds, now);
      return true;
    });
  }

  override async alarm(): Promise<void> {
    const state = await this.ctx.storage.get<ConversationState>('state');
    if (!state || state.expires_at <= Date.now()) await this.ctx.storage.deleteAll();
    else await this.ctx.storage.setAlarm(state.expires_at);
  }
}

export function conversationFor(ns: DurableObjectNamespace<Conversation>, workspaceId: string, platform: string, userHash: string) {
  return ns.get(ns.idFromName(workspaceObjectName(workspaceId, `conversation:${platform}:${userHash}`)));
}
