import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

// Every URL the gateway fetches on a client's say-so (a `jwks_uri`, a webhook endpoint) goes through here:
// https only and never a private, loopback or link-local address, unless the operator allows it.

const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16],
  ['172.16.0.0', 12], ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) blocked.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8], ['64:ff9b::', 96]] as const) {
  blocked.addSubnet(net, prefix, 'ipv6');
}

/** True for loopback, private, link-local, shared, multicast and unspecified addresses. */
export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return blocked.check(mapped[1]!, 'ipv4');
  const family = isIP(address);
  if (family === 0) return true;
  return blocked.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** A DNS lookup that refuses private addresses, so a name cannot be rebound to one between check and connect. */
export async function publicOnlyLookup(hostname: string): Promise<{ address: string; family: 4 | 6 }> {
  const list = await dnsLookup(hostname, { all: true });
  if (list.length === 0 || list.some((a) => isPrivateAddress(a.address))) {
    throw Object.assign(new Error(`${hostname} resolves to a private address`), { code: 'EPRIVATE' });
  }
  return { address: list[0]!.address, family: list[0]!.family === 6 ? 6 : 4 };
}

/** Why an outbound URL (a `jwks_uri`, a webhook URL) may not be used, or undefined when it may. */
export function outboundUrlProblem(uri: string, allowPrivate: boolean): string | undefined {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return 'not a URL';
  }
  if (url.username || url.password) return 'must not carry credentials';
  if (url.hash) return 'must not carry a fragment';
  if (allowPrivate) return url.protocol === 'https:' || url.protocol === 'http:' ? undefined : 'must be https';
  if (url.protocol !== 'https:') return 'must be https';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) && isPrivateAddress(host)) return 'must not point at a private, loopback or link-local address';
  if (host === 'localhost' || host.endsWith('.localhost')) return 'must not point at a private, loopback or link-local address';
  return undefined;
}
