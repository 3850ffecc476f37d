/**
 * Which hosts, ports and addresses outbound requests may reach (`WAYMARK_HTTP_ALLOWLIST` and the
 * `httpAllowlist` setting). A request must pass two checks:
 *
 * 1. its URL's host and port match an entry: `host`, `*.domain` (subdomains only), an IP address or
 *    a CIDR range, each with `:port`, `:*` (any port) or no port (the URL scheme's default port only);
 * 2. every address it connects to is a public one, or is named by an address or CIDR entry with
 *    that port. Loopback, private, link-local (cloud metadata services live there), unique-local,
 *    shared (carrier-grade NAT) and every other special-purpose range are reached only so: an
 *    allowed *name* that resolves into them is refused, so a DNS answer cannot turn an allowed
 *    name into a way into the server's own network.
 *
 * Callback servers and configured webhooks are chosen by the operator, not by a scheme: their exact
 * host and port are allowed at whatever address they resolve to ({@link HostAllowlist.configured}).
 */
import ipaddr from 'ipaddr.js';
import { WaymarkError } from '../errors/index.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/** `null`: the URL scheme's default port; `'any'`: every port. */
type PortRule = number | 'any' | null;

type AllowlistEntry =
  | { readonly kind: 'name'; readonly name: string; readonly subdomains: boolean; readonly port: PortRule; readonly anyAddress: boolean }
  | { readonly kind: 'range'; readonly range: readonly [Address, number]; readonly port: PortRule };

/** Well-known cloud metadata service addresses, named in refusals. */
const METADATA_ADDRESSES = new Set(['169.254.169.254', 'fd00:ec2::254', '100.100.100.200']);

const RANGE_NAMES: Readonly<Record<string, string>> = {
  loopback: 'loopback',
  private: 'private',
  linkLocal: 'link-local',
  uniqueLocal: 'unique-local',
  carrierGradeNat: 'shared (carrier-grade NAT)',
  unspecified: 'unspecified',
  multicast: 'multicast',
  broadcast: 'broadcast',
};

/** The port a URL connects to. */
export function urlPort(url: URL): number {
  return url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
}

/** An address as connected to: IPv4-mapped IPv6 addresses become the IPv4 address they carry. */
function parseAddress(text: string): Address | null {
  const bare = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  if (!ipaddr.IPv6.isValid(bare) && !ipaddr.IPv4.isValidFourPartDecimal(bare)) return null;
  return ipaddr.process(bare);
}

/** Public addresses are those outside every special-purpose range ipaddr.js knows. */
function specialRange(address: Address): string | null {
  const range = address.range();
  return range === 'unicast' ? null : range;
}

function invalidEntry(entry: string, reason: string): WaymarkError<'WM_CONFIG_INVALID'> {
  return new WaymarkError(
    'WM_CONFIG_INVALID',
    `Outbound allowlist entry '${entry}' ${reason}; entries are host[:port], *.domain[:port], an IP address or a CIDR range (port: a number, * for any, none for the URL's default)`,
    { entry },
  );
}

function parsePort(entry: string, text: string | undefined): PortRule {
  if (text === undefined) return null;
  if (text === '*') return 'any';
  const port = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  if (!(port >= 1 && port <= 65535)) throw invalidEntry(entry, `has port '${text}', not 1 to 65535 or *`);
  return port;
}

function parseEntry(entry: string): AllowlistEntry {
  const bracketed = /^\[([^\]]+)\](?::([^:]+))?$/.exec(entry);
  let host: string;
  let portText: string | undefined;
  if (bracketed) [, host, portText] = bracketed as unknown as [string, string, string | undefined];
  else if (entry.split(':').length > 2) host = entry; // a bare IPv6 address or range, without a port
  else [host, portText] = entry.split(':') as [string, string | undefined];
  const port = parsePort(entry, portText);
  if (host.includes('/')) {
    const [base, bits] = host.split('/');
    if (!ipaddr.IPv6.isValid(base ?? '') && !ipaddr.IPv4.isValidFourPartDecimal(base ?? '')) throw invalidEntry(entry, 'is not a CIDR range');
    if (!ipaddr.isValidCIDR(host) || !/^\d+$/.test(bits ?? '')) throw invalidEntry(entry, 'is not a CIDR range');
    return { kind: 'range', range: ipaddr.parseCIDR(host), port };
  }
  const address = parseAddress(host);
  if (address) return { kind: 'range', range: [address, address.kind() === 'ipv4' ? 32 : 128], port };
  if (host === '*') throw invalidEntry(entry, 'allows every host, which is not supported');
  // The URL parser would quietly read `user@host` as `host`: an entry names a host and nothing else.
  if (/[@?#\\]/.test(host)) throw invalidEntry(entry, 'is not a host name');
  const subdomains = host.startsWith('*.');
  let name: string;
  try {
    // The URL parser lower-cases, converts international names to punycode and refuses what is no host name.
    name = new URL(`http://${subdomains ? host.slice(2) : host}`).hostname;
  } catch {
    throw invalidEntry(entry, 'is not a host name');
  }
  if (name === '' || name.includes('*')) throw invalidEntry(entry, 'is not a host name');
  // `127.1` and the like are addresses however they are written.
  const written = !subdomains ? parseAddress(name) : null;
  if (written) return { kind: 'range', range: [written, written.kind() === 'ipv4' ? 32 : 128], port };
  return { kind: 'name', name, subdomains, port, anyAddress: false };
}

function portMatches(rule: PortRule, url: URL): boolean {
  if (rule === 'any') return true;
  return rule === null ? url.port === '' : rule === urlPort(url);
}

function inRange(address: Address, range: readonly [Address, number]): boolean {
  return address.kind() === range[0].kind() && address.match(range as [Address, number]);
}

/** The entry text that would allow `address` on `url`'s port. */
function entryFor(address: Address, url: URL): string {
  const text = address.kind() === 'ipv6' ? `[${address.toString()}]` : address.toString();
  if (url.port) return `${text}:${url.port}`;
  return address.kind() === 'ipv6' ? text.slice(1, -1) : text;
}

/** Which hosts, ports and addresses outbound requests may reach. Empty: none. */
export class HostAllowlist {
  private constructor(private readonly entries: readonly AllowlistEntry[]) {}

  /** A list of `patterns` (each trimmed; empty ones ignored); throws WM_CONFIG_INVALID for a bad one. */
  static of(patterns: readonly string[]): HostAllowlist {
    return new HostAllowlist(patterns.map((p) => p.trim().toLowerCase()).filter((p) => p.length > 0).map(parseEntry));
  }

  /** Parses the comma-separated form of `WAYMARK_HTTP_ALLOWLIST`. */
  static parse(text: string | undefined | null): HostAllowlist {
    return HostAllowlist.of((text ?? '').split(','));
  }

  /**
   * Exactly `url`'s host and port, at any address it resolves to: for destinations the operator
   * configured (callback servers, named webhooks), which may well live on a private network.
   */
  static configured(url: URL): HostAllowlist {
    const literal = parseAddress(url.hostname);
    const port = urlPort(url);
    if (literal) return new HostAllowlist([{ kind: 'range', range: [literal, literal.kind() === 'ipv4' ? 32 : 128], port }]);
    return new HostAllowlist([{ kind: 'name', name: url.hostname.toLowerCase(), subdomains: false, port, anyAddress: true }]);
  }

  /** A list allowing both lists' hosts. */
  with(other: HostAllowlist): HostAllowlist {
    return new HostAllowlist([...this.entries, ...other.entries]);
  }

  /** True when `url`'s host and port match an entry (its addresses are checked on connecting). */
  allows(url: URL): boolean {
    const host = url.hostname.toLowerCase();
    const literal = parseAddress(host);
    return this.entries.some((entry) => {
      if (!portMatches(entry.port, url)) return false;
      if (entry.kind === 'range') return literal !== null && inRange(literal, entry.range);
      if (literal !== null) return false;
      return entry.subdomains ? host.endsWith(`.${entry.name}`) : host === entry.name;
    });
  }

  /**
   * Null when a connection for `url` may go to `addressText`: a public address, one an address or
   * range entry names with this port, or any address of an operator-configured host. Otherwise the
   * refusal, saying how to allow it.
   */
  refusesAddress(url: URL, addressText: string): WaymarkError<'WM_ACTION_FAILED'> | null {
    const address = parseAddress(addressText);
    if (address === null) return addressRefusal(url, addressText, 'which is not an IP address');
    const range = specialRange(address);
    if (range === null) return null;
    const host = url.hostname.toLowerCase();
    const named = this.entries.some((entry) => {
      if (!portMatches(entry.port, url)) return false;
      if (entry.kind === 'range') return inRange(address, entry.range);
      return entry.anyAddress && !entry.subdomains && entry.name === host;
    });
    if (named) return null;
    const kind = RANGE_NAMES[range] ?? `special-purpose (${range})`;
    const metadata = METADATA_ADDRESSES.has(address.toString()) ? ' (a cloud metadata service)' : '';
    return addressRefusal(
      url,
      address.toString(),
      `a ${kind} address${metadata}; outbound requests reach such an address only when the allowlist names it: add ${entryFor(address, url)} (or a CIDR range holding it) to WAYMARK_HTTP_ALLOWLIST`,
    );
  }
}

function addressRefusal(url: URL, address: string, what: string): WaymarkError<'WM_ACTION_FAILED'> {
  const hostText = url.port ? `${url.hostname}:${url.port}` : url.hostname;
  return new WaymarkError('WM_ACTION_FAILED', `Host ${hostText} resolves to ${address}, ${what}`, { host: hostText, address });
}

/** The refusal for a host that is not allowed, saying how to allow it. */
export function hostNotAllowed(url: URL): WaymarkError<'WM_ACTION_FAILED'> {
  const hostText = url.port ? `${url.hostname}:${url.port}` : url.hostname;
  return new WaymarkError(
    'WM_ACTION_FAILED',
    `Host ${hostText} is not in the outbound allowlist; set WAYMARK_HTTP_ALLOWLIST=${hostText} to allow it`,
    { host: hostText },
  );
}
