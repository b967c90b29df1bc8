import { describe, expect, it } from 'vitest';
import { renderEmail } from '../../src/integrations/email/templates';

const lead = {
  id: 'l1',
  email: 'ada@analytical.io',
  name: 'Ada "Countess" <Lovelace>',
  company: 'Analytical & Sons',
  company_domain: 'analytical.io',
  phone: '+14155550123',
  source: 'contact_form',
};

describe('email templates', () => {
  it('the sales notification says who, from which form and what they sent, with user text escaped', () => {
    const email = renderEmail('sales_notification', { lead, submission: { message: 'Hi <b>team</b>' } });
    expect(email.subject).toBe('New lead: Ada "Countess" <Lovelace> (Analytical & Sons) — contact form');
    expect(email.html).toContain('New lead from the contact form<');
    expect(email.html).toContain('Ada &quot;Countess&quot; &lt;Lovelace&gt;');
    expect(email.html).toContain('Hi &lt;b&gt;team&lt;/b&gt;');
    expect(email.html).not.toContain('<b>team</b>');
    expect(email.text).toContain('Message: Hi <b>team</b>');
  });

  it('the sales notification shows what an ROI prospect calculated', () => {
    const email = renderEmail('sales_notification', {
      lead: { ...lead, source: 'roi_calculator' },
      submission: {},
      calculation: { industry: 'saas', potential_savings: 2500 },
    });
    expect(email.html).toContain('What they calculated');
    expect(email.text).toMatch(/Potential savings: 2500/);
  });

  it('the confirmation thanks the person for what they did', () => {
    const email = renderEmail('lead_confirmation', { name: 'Ada', source: 'pricing' });
    expect(email.text).toContain('Hi Ada,');
    expect(email.text).toContain('your pricing request');
  });

  it('refuses an unknown template rather than sending something empty', () => {
    expect(() => renderEmail('nope', {})).toThrow(/unknown email template/);
  });
});
