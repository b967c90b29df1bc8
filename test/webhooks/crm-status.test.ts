import { describe, expect, it } from 'vitest';
import { canMoveStatus, refusedMoveReason } from '../../src/domain/crm-status';
import { batchOutcome } from '../../src/services/events/webhook-received';

const ALL = ['new', 'contacted', 'qualified', 'transferred', 'customer', 'lost'] as const;

describe('canMoveStatus — a CRM moves a lead forward only', () => {
  it('allows exactly the forward moves, open → lost, and lost → customer', () => {
    const allowed = ALL.flatMap((from) => ALL.filter((to) => canMoveStatus(from, to)).map((to) => `${from}→${to}`));
    expect(allowed.sort()).toEqual(
      [
        'new→contacted',
        'new→qualified',
        'new→transferred',
        'new→customer',
        'new→lost',
        'contacted→qualified',
        'contacted→transferred',
        'contacted→customer',
        'contacted→lost',
        'qualified→transferred',
        'qualified→customer',
        'qualified→lost',
        'transferred→customer',
        'transferred→lost',
        'lost→customer',
      ].sort(),
    );
  });
  it('customer is final; lost only becomes customer; no move backwards; staying put is not a move', () => {
    for (const to of ALL) expect(canMoveStatus('customer', to)).toBe(false);
    expect(['new', 'contacted', 'qualified', 'transferred'].some((to) => canMoveStatus('lost', to))).toBe(false);
    expect(canMoveStatus('qualified', 'contacted')).toBe(false);
    expect(canMoveStatus('transferred', 'new')).toBe(false);
    for (const s of ALL) expect(canMoveStatus(s, s)).toBe(false);
  });
  it('refuses statuses Leadgate does not have', () => {
    expect(canMoveStatus('new', 'archived')).toBe(false);
    expect(canMoveStatus('archived', 'customer')).toBe(false);
  });
  it('says why a move was refused', () => {
    expect(refusedMoveReason('customer', 'lost')).toBe('customer is final');
    expect(refusedMoveReason('lost', 'qualified')).toBe('lost can only become customer, not qualified');
    expect(refusedMoveReason('qualified', 'contacted')).toBe('qualified → contacted would go backwards');
    expect(refusedMoveReason('new', 'archived')).toBe('"archived" is not a Leadgate status');
  });
});

describe('batchOutcome — a batch with an unknown lead stays replayable', () => {
  it('is unknown_lead when any change found no lead, even if others applied', () => {
    expect(batchOutcome([{ outcome: 'applied' }, { outcome: 'unknown_lead' }])).toBe('unknown_lead');
    expect(batchOutcome([{ outcome: 'ignored' }, { outcome: 'unknown_lead' }])).toBe('unknown_lead');
    expect(batchOutcome([{ outcome: 'applied' }, { outcome: 'ignored' }])).toBe('applied');
    expect(batchOutcome([{ outcome: 'ignored' }])).toBe('ignored');
  });
});
