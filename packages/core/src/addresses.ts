import ipaddr from 'ipaddr.js';
import type { Addresses, AddressKind } from './model.js';

/**
 * Parses a CIDR and returns its canonical text (the network address in
 * its shortest form, lower case), or undefined when it is not a CIDR.
 *
 * @example
 * ```ts
 * canonicalCidr('2001:DB8:0:0::1/128'); // '2001:db8::1/128'
 * canonicalCidr('10.0.0.7/24'); // '10.0.0.0/24'
 * ```
 */
export const canonicalCidr = (cidr: string): string | undefined => {
  if (isCanonicalIpv4Host(cidr)) return cidr;
  if (!ipaddr.isValidCIDR(cidr)) return undefined;

  const [address, prefix] = ipaddr.parseCIDR(cidr);
  const network =
    address.kind() === 'ipv4'
      ? ipaddr.IPv4.networkAddressFromCIDR(cidr)
      : ipaddr.IPv6.networkAddressFromCIDR(cidr);

  return `${network.toString()}/${prefix}`;
};

/** True when a CIDR names exactly one address: /32 for IPv4, /128 for IPv6. */
export const isSingleAddress = (cidr: string): boolean => {
  if (isCanonicalIpv4Host(cidr)) return true;
  if (!ipaddr.isValidCIDR(cidr)) return false;

  const [address, prefix] = ipaddr.parseCIDR(cidr);

  return prefix === (address.kind() === 'ipv4' ? 32 : 128);
};

/** True when the text is a plain IPv4 address in dotted-quad form. */
export const isIpv4 = (text: string): boolean =>
  ipaddr.IPv4.isValidFourPartDecimal(text);

/** True when the text is an IPv6 address. */
export const isIpv6 = (text: string): boolean => ipaddr.IPv6.isValid(text);

/**
 * The single-address CIDR a member is reached at, for the cluster's address
 * kind, or undefined while that address is not assigned (or malformed).
 */
export const memberCidr = (
  addresses: Addresses,
  kind: AddressKind,
): string | undefined => {
  if (kind === 'ipv6') {
    return addresses.ipv6 && isIpv6(addresses.ipv6)
      ? canonicalCidr(`${addresses.ipv6}/128`)
      : undefined;
  }
  const ip =
    kind === 'public-ipv4' ? addresses.publicIpv4 : addresses.privateIpv4;

  return ip && isIpv4(ip) ? `${ip}/32` : undefined;
};

const OCTET = '(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4_HOST = new RegExp(`^${OCTET}(\\.${OCTET}){3}/32$`);

/**
 * True for an IPv4 `/32` already in canonical form (no leading zeros):
 * the common case, answered without the general parser, which tries
 * IPv6 first and costs most of a plan's time.
 */
const isCanonicalIpv4Host = (cidr: string): boolean => IPV4_HOST.test(cidr);
