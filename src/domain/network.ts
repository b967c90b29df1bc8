/**
 * The network a client is limited by, from the address Cloudflare reports (`cf-connecting-ip`): an
 * IPv4 address, or the /64 an IPv6 client owns (one home or phone gets a whole /64). IPv4-mapped IPv6
 * addresses count as their IPv4 address. Pure, and total: anything that is not an address — the header
 * is set by Cloudflare in production, but code must not trust that — is one key of its own,
 * `MALFORMED_NETWORK`, so garbage cannot mint a fresh limit per request and cannot crash the request.
 */
export const MALFORMED_NETWORK = 'malformed';

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const GROUP = /^[0-9a-f]{1,4}$/;

export function clientNetwork(ip: string): string {
  const text = ip.trim().toLowerCase();
  if (IPV4.test(text)) return text;
  const groups = ipv6Groups(text);
  if (!groups) return MALFORMED_NETWORK;
  const [a, b, c, d, e, f, g, h] = groups as [number, number, number, number, number, number, number, number];
  if (a === 0 && b === 0 && c === 0 && d === 0 && e === 0 && f === 0xffff) return `${g >> 8}.${g & 255}.${h >> 8}.${h & 255}`;
  return `${[a, b, c, d].map((x) => x.toString(16)).join(':')}::/64`;
}

/** The eight 16-bit groups of an IPv6 address (a zone index and an embedded IPv4 tail allowed), or null. */
function ipv6Groups(text: string): number[] | null {
  if (text.length > 64 || !text.includes(':')) return null;
  let address = text.split('%')[0]!;
  const v4 = /:(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  if (v4) {
    if (!IPV4.test(v4[1]!)) return null;
    const [p, q, r, s] = v4[1]!.split('.').map(Number) as [number, number, number, number];
    address = `${address.slice(0, v4.index)}:${((p << 8) | q).toString(16)}:${((r << 8) | s).toString(16)}`;
  }
  const halves = address.split('::');
  if (halves.length > 2) return null;
  const parse = (part: string) => (part === '' ? [] : part.split(':'));
  const left = parse(halves[0]!);
  const right = halves.length === 2 ? parse(halves[1]!) : [];
  const missing = 8 - left.length - right.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  const all = [...left, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...right];
  if (!all.every((g) => GROUP.test(g))) return null;
  return all.map((g) => parseInt(g, 16));
}
