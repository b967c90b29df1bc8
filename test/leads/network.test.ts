import { describe, expect, it } from 'vitest';
import { clientNetwork, MALFORMED_NETWORK } from '../../src/domain/network';

describe('clientNetwork (the key of the per-network limit)', () => {
  it('keeps IPv4 addresses as they are', () => {
    expect(clientNetwork('203.0.113.7')).toBe('203.0.113.7');
  });

  it('reduces IPv6 addresses to their /64, however they are written', () => {
    expect(clientNetwork('2001:db8:1:0:a:b:c:d')).toBe('2001:db8:1:0::/64');
    expect(clientNetwork('2001:db8:1::b:c:d')).toBe('2001:db8:1:0::/64');
    expect(clientNetwork('2001:0DB8:0001:0000:ffff::1')).toBe('2001:db8:1:0::/64');
    expect(clientNetwork('2001:db8::')).toBe('2001:db8:0:0::/64');
    expect(clientNetwork('::1')).toBe('0:0:0:0::/64');
  });

  it('treats IPv4-mapped IPv6 addresses as the IPv4 address', () => {
    expect(clientNetwork('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(clientNetwork('::ffff:cb00:7107')).toBe('203.0.113.7');
  });

  it('counts anything that is not an address as one key, never as an error', () => {
    for (const bad of [
      '1:2:3:4:5:6:7:8::9',
      '1:2:3:4:5:6:7:8:9',
      '::1::2',
      '999.1.1.1',
      '1.2.3',
      '',
      'x'.repeat(5000),
      'gggg::1',
      '::ffff:300.1.1.1',
      '12345::1',
    ]) {
      expect(clientNetwork(bad)).toBe(MALFORMED_NETWORK);
    }
  });
});
