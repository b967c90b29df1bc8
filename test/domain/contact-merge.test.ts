import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ContactCapture, type ContactFact, type LeadContact, mergeContact } from '../../src/domain/contact';

const T0 = Date.parse('2026-11-01T00:00:00Z');
const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });

/** A fact about one person: some fields given, some not, at a distinct time. */
const fact = (at: number): fc.Arbitrary<ContactFact> =>
  fc
    .record({
      name: maybe(fc.constantFrom('Ada', 'Ada Lovelace', 'A. Lovelace')),
      company: maybe(fc.constantFrom('Analytical', 'Engines Ltd')),
      phone: maybe(fc.constantFrom('+14155550123', '+442071234567')),
      marketing: maybe(fc.boolean()),
      sms: maybe(fc.boolean()),
      source: fc.constantFrom('pricing', 'contact_form', 'roi_calculator', 'demo_request'),
    })
    .map((f): ContactFact => {
      const consent = { ...(f.marketing === undefined ? {} : { marketing: f.marketing }), ...(f.sms === undefined ? {} : { sms: f.sms }) };
      const contact: ContactCapture = {
        email: 'ada@acme-test.com',
        email_normalized: 'ada@acme-test.com',
        name: f.name,
        company: f.company,
        phone: f.phone,
        company_domain: 'acme-test.com',
        consent,
        touch: { source: f.source, at: new Date(at).toISOString() },
      };
      return { contact, occurredAt: at };
    });

/** Facts at distinct times (ties are resolved by arrival order, so they are left out here). */
const facts = fc
  .uniqueArray(fc.integer({ min: 0, max: 10_000 }), { minLength: 1, maxLength: 8 })
  .chain((times) => fc.tuple(...times.map((t) => fact(T0 + t * 60_000))));

/** The rules, spelled out one by one over facts sorted by time: what the merge must agree with. */
function expected(all: ContactFact[]): Omit<LeadContact, 'email' | 'companyDomain' | 'stated'> {
  const sorted = [...all].sort((a, b) => a.occurredAt - b.occurredAt);
  const newest = <K extends 'name' | 'company' | 'phone'>(k: K) => [...sorted].reverse().find((f) => f.contact[k] !== undefined)?.contact[k] ?? null;
  const consent: Record<string, boolean> = {};
  for (const f of sorted) Object.assign(consent, f.contact.consent);
  return {
    name: newest('name'),
    company: newest('company'),
    phone: newest('phone'),
    firstSource: sorted[0]!.contact.touch.source,
    firstTouch: sorted[0]!.contact.touch,
    lastTouch: sorted.at(-1)!.contact.touch,
    consent,
    lastSeenAt: sorted.at(-1)!.occurredAt,
    firstSeenAt: sorted[0]!.occurredAt,
  };
}

describe('mergeContact: a batch merged at once is the lead the facts make one by one, in any order', () => {
  it('first touch is the oldest, contact data and last touch the newest given, consent per purpose as last stated', () => {
    fc.assert(
      fc.property(facts, (all) => {
        expect(mergeContact(null, all)).toMatchObject(expected(all));
      }),
      { numRuns: 300 },
    );
  });

  it('applying the facts one at a time, in any arrival order, or split across batches, gives the same lead', () => {
    fc.assert(
      fc.property(
        facts.chain((all) =>
          fc.tuple(fc.constant(all), fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length }), fc.integer({ min: 0, max: all.length })),
        ),
        ([all, arrival, split]) => {
          const atOnce = mergeContact(null, all);
          const oneByOne = arrival.reduce<LeadContact | null>((lead, f) => mergeContact(lead, [f]), null);
          const twoBatches = mergeContact(mergeContact(null, arrival.slice(0, split)), arrival.slice(split));
          expect(oneByOne).toEqual(atOnce);
          expect(twoBatches).toEqual(atOnce);
        },
      ),
      { numRuns: 300 },
    );
  });
});
