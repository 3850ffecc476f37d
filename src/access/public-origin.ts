/**
 * The origin (`https://host[:port]`) token issuers, the discovery document and task links are built
 * from. With a public URL it is that URL, whatever the request says. Without one it is the
 * request's own origin — but only for a `Host` the server was told it answers to: otherwise anyone
 * could make the server hand out links and issuers on a host of their choosing.
 */
import { isIP } from 'node:net';
import { WaymarkError } from '../errors/index.js';

/** What a request contributes to its origin (fastify's `request.protocol` and `request.host`). */
export interface RequestAuthority {
  readonly protocol: string;
  readonly host: string;
}

/** How the public origin is decided. */
export interface PublicOriginOptions {
  /** The configured public URL (no trailing slash); null to use allowed request hosts. */
  readonly publicUrl: string | null;
  /** `WAYMARK_ALLOWED_HOSTS`: host names, each optionally `name:port`, in lower case. */
  readonly allowedHosts?: readonly string[];
  /** The address the server binds to: a specific one (not 0.0.0.0 or ::) is allowed too. */
  readonly bindHost?: string;
}

const WILDCARD_BIND_HOSTS = new Set(['0.0.0.0', '::', '[::]', '']);

/** True for `localhost`, `*.localhost`, 127.0.0.0/8 and `::1`: names that only reach this machine. */
export function isLoopbackHostName(hostName: string): boolean {
  const name = hostName.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  if (isIP(name) === 4) return name.startsWith('127.');
  return name === '::1' || name === '0:0:0:0:0:0:0:1';
}

/** Splits a Host header into its name (lower case, IPv6 with brackets) and port (or null). */
export function splitHost(host: string): { readonly name: string; readonly port: string | null } {
  const lower = host.trim().toLowerCase();
  if (lower.startsWith('[')) {
    const close = lower.indexOf(']');
    if (close < 0) return { name: lower, port: null };
    const rest = lower.slice(close + 1);
    return { name: lower.slice(0, close + 1), port: rest.startsWith(':') ? rest.slice(1) : null };
  }
  const colon = lower.lastIndexOf(':');
  // More than one colon without brackets is not a valid Host; keep it whole so it matches nothing.
  if (colon < 0 || lower.indexOf(':') !== colon) return { name: lower, port: null };
  return { name: lower.slice(0, colon), port: lower.slice(colon + 1) };
}

/** Decides the origin of each request; see the module comment. */
export class PublicOrigin {
  private readonly publicUrl: string | null;
  private readonly allowed: readonly { readonly name: string; readonly port: string | null }[];

  constructor(options: PublicOriginOptions) {
    this.publicUrl = options.publicUrl === null ? null : options.publicUrl.replace(/\/+$/, '');
    const entries = [...(options.allowedHosts ?? [])];
    if (options.bindHost !== undefined && !WILDCARD_BIND_HOSTS.has(options.bindHost)) entries.push(options.bindHost);
    this.allowed = entries.map(splitHost);
  }

  /** True when a public URL is configured (the request's Host is then never used). */
  get isConfigured(): boolean {
    return this.publicUrl !== null;
  }

  /** True when the origin may be built from this Host header. */
  allowsHost(host: string): boolean {
    const { name, port } = splitHost(host);
    if (name === '') return false;
    if (isLoopbackHostName(name)) return true;
    return this.allowed.some((entry) => entry.name === name && (entry.port === null || entry.port === port));
  }

  /**
   * The origin for this request: the public URL, or `protocol://host` of an allowed Host.
   * @throws WaymarkError WM_HOST_NOT_ALLOWED for any other Host.
   */
  of(request: RequestAuthority): string {
    if (this.publicUrl !== null) return this.publicUrl;
    if (!this.allowsHost(request.host)) {
      throw new WaymarkError(
        'WM_HOST_NOT_ALLOWED',
        `This server does not answer to the host ${JSON.stringify(request.host.slice(0, 200))}: set WAYMARK_PUBLIC_URL, or list the host in WAYMARK_ALLOWED_HOSTS`,
        { host: request.host.slice(0, 200) },
      );
    }
    return `${request.protocol}://${request.host.toLowerCase()}`;
  }

  /** Like {@link of}, but null instead of an error for a Host that is not allowed. */
  ofOrNull(request: RequestAuthority): string | null {
    if (this.publicUrl !== null) return this.publicUrl;
    return this.allowsHost(request.host) ? `${request.protocol}://${request.host.toLowerCase()}` : null;
  }
}
