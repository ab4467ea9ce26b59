/**
 * The zh-CN tree-label catalogue against the one field registry: every key names a registered field
 * (the catalogue is translation data, never a second field list), every field of the lab protocols and
 * every field the standard lab captures show (smtp.decryption off and on) has a Chinese label, and the
 * localizer translates labels only: user text, values, bytes and offsets stay as they are.
 */
import { describe, expect, inject, it } from 'vitest';
import { Workbench } from '../../../src/main/engine/workbench';
import { ProtocolRegistry } from '../../../src/main/engine/decode/protocol';
import { allModules } from '../../../src/main/engine/modules';
import { zhCN } from '../../../src/main/engine/i18n/zh-CN';
import { createLocalizer, ENGINE_LOCALES, TreeLocalizer } from '../../../src/main/engine/i18n/localize';
import type { DetailNode } from '../../../src/shared/model';

const registry = new ProtocolRegistry(allModules).fields;
const captures = inject('captures').captures;

/** LAB_PROTOCOLS are the protocols of the lab captures: all their fields must be translated. */
const LAB_PROTOCOLS = ['frame', '_ws.expert', '_ws.malformed', 'data', 'eth', 'sll', 'ip', 'ipv6', 'tcp', 'udp', 'smtp', 'pop', 'imf', 'data-text-lines', 'mime_multipart'];

function protocolOf(abbrev: string): string {
  let name = abbrev;
  while (!registry.protocol(name)) name = name.slice(0, name.lastIndexOf('.'));
  return name;
}

describe('zh-CN catalogue', () => {
  it('names only registered fields and protocols (no second field list)', () => {
    const keys = [...Object.keys(zhCN.names), ...Object.keys(zhCN.values), ...Object.keys(zhCN.rules), ...zhCN.text.map((t) => t.parent)];
    expect(keys.filter((k) => registry.get(k) === undefined)).toEqual([]);
  });

  it('translates only values the registry declares, and every SMTP reply code', () => {
    for (const [abbrev, table] of Object.entries(zhCN.values)) {
      const declared = registry.get(abbrev)!.values!;
      expect(Object.keys(table).filter((v) => declared[Number(v)] === undefined), abbrev).toEqual([]);
    }
    expect(Object.keys(zhCN.values['smtp.response.code']!).sort()).toEqual(Object.keys(registry.get('smtp.response.code')!.values!).sort());
    expect(zhCN.values['smtp.response.code']![250]).toBe('请求的邮件操作已完成');
  });

  it('names every protocol and every field of the lab protocols', () => {
    expect(registry.allProtocols().filter((p) => zhCN.names[p.abbrev] === undefined).map((p) => p.abbrev)).toEqual([]);
    const lab = registry.all().filter((f) => LAB_PROTOCOLS.includes(protocolOf(f.abbrev)));
    expect(lab.length).toBeGreaterThan(300);
    expect(lab.filter((f) => zhCN.names[f.abbrev] === undefined).map((f) => f.abbrev)).toEqual([]);
  });

  it('has a Chinese label for every field the standard lab captures show', async () => {
    const seen = new Set<string>();
    const walk = (nodes: readonly DetailNode[]) => {
      for (const n of nodes) {
        if (n.field) seen.add(n.field);
        if (n.children) walk(n.children);
      }
    };
    for (const decryption of [false, true]) {
      for (const capture of Object.values(captures)) {
        const wb = new Workbench({ labServer: false });
        wb['prefs.set']('smtp.decryption', decryption);
        const info = await wb['file.open'](capture.file);
        for (let n = 1; n <= info.counts.frames; n++) walk(wb['frame.detail'](n).tree);
      }
    }
    for (const field of ['smtp.auth.username', 'smtp.response.code', 'tcp.segments', 'tcp.reassembled_in', 'pop.response.indicator', 'imf.subject', 'sll.pkttype', 'ipv6.src']) {
      expect(seen, field).toContain(field);
    }
    expect([...seen].filter((f) => zhCN.names[f] === undefined)).toEqual([]);
  }, 120_000);
});

describe('TreeLocalizer', () => {
  const zh = createLocalizer('zh-CN', registry)!;
  const node = (field: string, label: string, value?: string): DetailNode => ({ field, label, value, src: 0, start: 3, length: 4 });
  const one = (n: DetailNode, parent = '') => zh.nodes([n], parent)[0]!;

  it('accepts en and zh-CN only; English needs no localizer', () => {
    expect(ENGINE_LOCALES).toEqual(['en', 'zh-CN']);
    expect(createLocalizer('en', registry)).toBeUndefined();
    expect(zh).toBeInstanceOf(TreeLocalizer);
    expect(() => createLocalizer('fr', registry)).toThrow('Unknown locale "fr" for gui.locale: use one of en, zh-CN');
    expect(() => createLocalizer('toString', registry)).toThrow('Unknown locale "toString"');
  });

  it('translates the name and keeps text read from the packet as it is', () => {
    const parameter = one(node('smtp.req.parameter', 'Request parameter: 3 bytes Set seconds', '3 bytes Set seconds'));
    expect(parameter).toEqual(node('smtp.req.parameter', '请求参数: 3 bytes Set seconds', '3 bytes Set seconds'));
    expect(one(node('pop.request', 'USER student\\r\\n', 'USER student\\r\\n')).label).toBe('USER student\\r\\n');
  });

  it('translates value meanings, boolean words, bit pictures and generated brackets', () => {
    expect(one(node('smtp.response.code', 'Response code: Requested mail action okay, completed (250)', '250')).label).toBe('响应码: 请求的邮件操作已完成 (250)');
    expect(one(node('smtp.response.code', 'Response code: Unknown (299)', '299')).label).toBe('响应码: Unknown (299)');
    expect(one(node('ip.proto', 'Protocol: TCP (6)', '6')).label).toBe('协议: TCP (6)');
    expect(one(node('tcp.flags.syn', '.... .... ..1. = Syn: Set', '1')).label).toBe('.... .... ..1. = 同步 (SYN): 已设置');
    expect(one(node('tcp.reassembled_in', '[Reassembled PDU in frame: 20]', '20')).label).toBe('[PDU 重组于帧: 20]');
    expect(one(node('pop.response.indicator', 'Response indicator: -ERR', '-ERR')).label).toBe('响应指示: -ERR (失败)');
    expect(one(node('pop.response.indicator', 'Response indicator: +OK', '+OK')).label).toBe('响应指示: +OK (成功)');
  });

  it('translates expert items, text items under their parent, and data source names', () => {
    const expert: DetailNode = {
      ...node('_ws.expert', '[Expert Info (Chat/Sequence): Connection establish request (SYN): server port 25]'),
      expert: { severity: 'chat', message: 'Connection establish request (SYN): server port 25' },
    };
    expect(one(expert)).toMatchObject({ label: '[专家信息 (对话/序列): 连接建立请求 (SYN): 服务器端口 25]', expert: { severity: 'chat', message: '连接建立请求 (SYN): 服务器端口 25' } });
    const text: DetailNode = { label: '[Timestamps]', src: 0, start: 0, length: 0, generated: true };
    expect(one(text, 'tcp').label).toBe('[时间戳]');
    expect(one(text, 'smtp').label).toBe('[Timestamps]');
    const detail = zh.detail({ number: 1, tree: [], sources: [{ name: 'Frame', bytes: new Uint8Array(1) }, { name: 'Reassembled TCP (36 bytes)', bytes: new Uint8Array(36) }] });
    expect(detail.sources.map((s) => s.name)).toEqual(['帧', '重组的 TCP (36 字节)']);
  });
});
