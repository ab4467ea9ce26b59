/**
 * Recognises capture-filter (BPF/pcap-filter) syntax typed into the display filter bar and suggests the
 * display-filter form. tshark 4.0 compiles the text with libpcap and adds "That read filter code looks
 * like a valid capture filter; maybe you mixed them up?"; we cannot run libpcap in shared code, so we parse
 * the common pcap-filter primitives (`[tcp|udp] [src|dst] port N`, `[src|dst] host A`, `net A/N`,
 * `ether host M`, `portrange A-B`, `less/greater N`, protocol names, and/or/not) and translate them.
 */

const PROTOCOLS: Readonly<Record<string, string>> = {
  ip: 'ip',
  ip6: 'ipv6',
  tcp: 'tcp',
  udp: 'udp',
  arp: 'arp',
  icmp: 'icmp',
  ether: 'eth',
};
const DIRECTIONS = new Set(['src', 'dst']);
const TYPES = new Set(['host', 'net', 'port', 'portrange']);
const CONNECTIVES: Readonly<Record<string, string>> = { and: '&&', '&&': '&&', or: '||', '||': '||', not: '!', '!': '!' };

/** captureFilterHint returns the display-filter translation if the text reads as a capture filter. */
export function captureFilterHint(text: string): string | undefined {
  const tokens = text.match(/\(|\)|&&|\|\||!|[^\s()!&|]+/g);
  if (!tokens || tokens.length === 0) return undefined;
  const out: string[] = [];
  let sawPrimitive = false;
  let i = 0;
  const take = (): string | undefined => tokens[i];
  while (i < tokens.length) {
    const t = take()!;
    if (t === '(' || t === ')') {
      out.push(t);
      i++;
      continue;
    }
    if (CONNECTIVES[t] !== undefined) {
      out.push(CONNECTIVES[t]!);
      i++;
      continue;
    }
    let proto: string | undefined;
    let dir: string | undefined;
    let type: string | undefined;
    if (PROTOCOLS[t] !== undefined) (proto = t), i++;
    if (take() !== undefined && DIRECTIONS.has(take()!)) {
      dir = take();
      i++;
      if ((take() === 'or' || take() === 'and') && DIRECTIONS.has(tokens[i + 1] ?? '')) return undefined;
    }
    if (take() !== undefined && TYPES.has(take()!)) (type = take()), i++;
    if (t === 'less' || t === 'greater') {
      const n = tokens[i + 1];
      if (!n || !/^\d+$/.test(n)) return undefined;
      out.push(`frame.len ${t === 'less' ? '<=' : '>='} ${n}`);
      i += 2;
      sawPrimitive = true;
      continue;
    }
    if (!type && !dir) {
      if (!proto) return undefined;
      // A bare protocol name is also a valid display filter; it only counts with a real primitive.
      out.push(PROTOCOLS[proto]!);
      continue;
    }
    const id = take();
    if (id === undefined || CONNECTIVES[id] !== undefined || id === '(' || id === ')') return undefined;
    i++;
    const translated = primitive(proto, dir, type ?? 'host', id);
    if (!translated) return undefined;
    out.push(translated);
    sawPrimitive = true;
  }
  if (!sawPrimitive) return undefined;
  // A lone "port N" needs no parentheses around its tcp/udp alternative.
  if (out.length === 1 && out[0]!.startsWith('(')) out[0] = out[0]!.slice(1, -1);
  return out.join(' ').replace(/\( /g, '(').replace(/ \)/g, ')').replace(/! /g, '!');
}

function primitive(proto: string | undefined, dir: string | undefined, type: string, id: string): string | undefined {
  const side = dir === 'src' ? 'src' : dir === 'dst' ? 'dst' : undefined;
  if (type === 'port' || type === 'portrange') {
    const value = type === 'port' ? id : id.replace('-', '..');
    if (type === 'port' ? !/^\d+$/.test(id) : !/^\d+-\d+$/.test(id)) return undefined;
    const field = (p: string) => `${p}.${side ? `${side}port` : 'port'}`;
    const test = (p: string) => (type === 'port' ? `${field(p)} == ${value}` : `${field(p)} in {${value}}`);
    if (proto === 'tcp' || proto === 'udp') return test(proto);
    if (proto !== undefined) return undefined;
    return `(${test('tcp')} || ${test('udp')})`;
  }
  if (proto === 'ether') {
    if (!/^[0-9a-fA-F]{1,2}([:.-][0-9a-fA-F]{1,2}){5}$/.test(id)) return undefined;
    return `eth.${side ?? 'addr'} == ${id}`;
  }
  const v6 = id.includes(':');
  const base = v6 || proto === 'ip6' ? 'ipv6' : 'ip';
  if (type === 'net' && !/\//.test(id) && !v6) return undefined;
  if (!v6 && !/^\d{1,3}(\.\d{1,3}){3}(\/\d{1,2})?$/.test(id)) return undefined;
  return `${base}.${side ?? 'addr'} == ${id}`;
}
