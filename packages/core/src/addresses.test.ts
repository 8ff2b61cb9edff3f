import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import { describe, expect, it } from 'vitest';
import { canonicalCidr, isSingleAddress, memberCidr } from './addresses.js';

/** What the general parser says, for comparison with the fast path. */
const parsed = (cidr: string): string | undefined => {
  if (!ipaddr.isValidCIDR(cidr)) return undefined;
  const [address, prefix] = ipaddr.parseCIDR(cidr);

  return `${address.toString()}/${prefix}`;
};

describe('addresses', () => {
  it('keeps a canonical IPv4 host address as it is', () => {
    fc.assert(
      fc.property(fc.ipV4(), (ip) => {
        expect(canonicalCidr(`${ip}/32`)).toBe(`${ip}/32`);
        expect(isSingleAddress(`${ip}/32`)).toBe(true);
      }),
    );
  });

  it('agrees with the general parser on every spelling of IPv4', () => {
    fc.assert(
      fc.property(fc.ipV4Extended(), (ip) => {
        expect(canonicalCidr(`${ip}/32`)).toBe(parsed(`${ip}/32`));
      }),
    );
  });

  it('writes IPv6 in its shortest lower-case form', () => {
    expect(canonicalCidr('2001:DB8:0:0::1/128')).toBe('2001:db8::1/128');
    expect(memberCidr({ ipv6: '2001:DB8::0:1' }, 'ipv6')).toBe(
      '2001:db8::1/128',
    );
  });

  it('reduces a range to its network address', () => {
    expect(canonicalCidr('10.0.0.7/24')).toBe('10.0.0.0/24');
  });

  it('tells single addresses from ranges and junk', () => {
    const cases = {
      '198.51.100.1/32': true,
      '2001:db8::1/128': true,
      '198.51.100.1/31': false,
      '0.0.0.0/0': false,
      '::/0': false,
      '256.1.1.1/32': false,
      '01.2.3.4/32': parsed('01.2.3.4/32') === '1.2.3.4/32',
      nonsense: false,
    };
    for (const [cidr, single] of Object.entries(cases)) {
      expect(isSingleAddress(cidr), cidr).toBe(single);
    }
  });

  it('gives no member address while it is missing or malformed', () => {
    expect(memberCidr({}, 'public-ipv4')).toBeUndefined();
    expect(memberCidr({ publicIpv4: '1.2.3' }, 'public-ipv4')).toBeUndefined();
    expect(memberCidr({ privateIpv4: '10.0.0.1' }, 'private-ipv4')).toBe(
      '10.0.0.1/32',
    );
  });
});
