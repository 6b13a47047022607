import { isIP } from 'node:net';

/**
 * Whether a URL's host is an IP literal in a loopback, private, link-local or unspecified range
 * (IPv4 and IPv6), or `localhost`. Host names that resolve to such addresses are not caught here
 * (no DNS lookup at registration): production should also egress through a proxy that refuses them.
 */
export function isPrivateHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) {
    const [a = 0, b = 0] = host.split('.').map(Number);
    return (
      a === 0 ||
      a === 10 ||
      a === 127 ||
      (a === 100 && b >= 64 && b <= 127) ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168)
    );
  }
  if (isIP(host) === 6) {
    if (host === '::' || host === '::1') return true;
    if (host.startsWith('::ffff:')) return isPrivateHost(host.slice(7));
    return /^f[cd]/.test(host) || /^fe[89ab]/.test(host);
  }
  return false;
}
