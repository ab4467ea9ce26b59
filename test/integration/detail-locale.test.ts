/**
 * The Packet Details tree in Chinese from the engine (`prefs.set('gui.locale', 'zh-CN')`, then
 * `frame.detail`), on the standard lab captures: the handout's AUTH LOGIN and MAIL FROM typed one key per
 * TCP segment, every SMTP reply code the captures hold, POP, IPv6 and SLL. The Chinese tree has exactly
 * the English tree's structure, filter names, values, data sources and byte ranges; only labels change.
 * Switching back gives the English tree unchanged, an unknown locale is refused with a clear error and
 * changes nothing, and the locale never re-dissects or resets the view.
 */
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { Workbench } from '../../src/main/engine/workbench';
import { printDetailText } from '../../src/main/engine/decode/detail';
import type { FrameDetail } from '../../src/shared/contract';
import type { DetailNode } from '../../src/shared/model';

const captures = inject('captures').captures;

function all(nodes: readonly DetailNode[], field: string, out: DetailNode[] = []): DetailNode[] {
  for (const n of nodes) {
    if (n.field === field) out.push(n);
    if (n.children) all(n.children, field, out);
  }
  return out;
}

function one(detail: FrameDetail, field: string): DetailNode {
  const found = all(detail.tree, field);
  expect(found.length, `${field} in frame ${detail.number}`).toBeGreaterThan(0);
  return found[0]!;
}

/** shape is a node without its label (and expert message): what must not change with the language. */
function shape(nodes: readonly DetailNode[]): unknown[] {
  return nodes.map(({ label: _label, expert, children, ...rest }) => ({ ...rest, expert: expert?.severity, children: children ? shape(children) : undefined }));
}

function visibleFieldLabels(nodes: readonly DetailNode[], out: Array<[string, string]> = []): Array<[string, string]> {
  for (const n of nodes) {
    if (n.hidden) continue;
    if (n.field) out.push([n.field, n.label]);
    if (n.children) visibleFieldLabels(n.children, out);
  }
  return out;
}

/** RAW_LINE_FIELDS show the line itself as their label (as Wireshark does): nothing to translate. */
const RAW_LINE_FIELDS = new Set(['pop.request', 'pop.response', 'pop.response.data', 'smtp.eom']);
const CJK = /[\u4e00-\u9fff]/;

async function open(name: keyof typeof captures, decryption = false): Promise<Workbench> {
  const wb = new Workbench({ labServer: false });
  if (decryption) wb['prefs.set']('smtp.decryption', true);
  await wb['file.open'](captures[name].file);
  return wb;
}

/** both returns a frame's detail in English and in Chinese from the same workbench, leaving it in English. */
function both(wb: Workbench, frame: number): { en: FrameDetail; zh: FrameDetail } {
  const en = wb['frame.detail'](frame);
  wb['prefs.set']('gui.locale', 'zh-CN');
  const zh = wb['frame.detail'](frame);
  wb['prefs.set']('gui.locale', 'en');
  expect(shape(zh.tree)).toEqual(shape(en.tree));
  expect(zh.sources.map((s) => s.bytes)).toEqual(en.sources.map((s) => s.bytes));
  return { en, zh };
}

function frameWhere(wb: Workbench, info: RegExp): number {
  const row = wb['view.rows'](0, 100_000).find((r) => info.test(r.info));
  expect(row, `a row matching ${info}`).toBeDefined();
  return row!.number;
}

describe('Chinese detail trees of the handout capture (smtp-handout)', () => {
  let wb: Workbench;
  beforeAll(async () => {
    wb = await open('smtp-handout');
  });

  it('MAIL FROM typed one key per segment: SMTP, TCP reassembly, IP and Ethernet labels', () => {
    const frame = frameWhere(wb, /^C: mail from: <student@wirelab\.lab>$/);
    const { en, zh } = both(wb, frame);
    const top = zh.tree.filter((n) => !n.hidden).map((n) => n.label);
    expect(top[0]).toMatch(/^帧 \d+: 线路上 \d+ 字节 \(\d+ 位\), 捕获 \d+ 字节 \(\d+ 位\)$/);
    expect(top[1]).toBe('以太网 II, 源地址: 00:00:00_00:00:00 (00:00:00:00:00:00), 目的地址: 00:00:00_00:00:00 (00:00:00:00:00:00)');
    expect(top[2]).toBe('网际协议版本 4, 源地址: 127.0.0.1, 目的地址: 127.0.0.1');
    expect(top[3]).toMatch(/^传输控制协议, 源端口: \d+, 目的端口: 25, 序号: \d+, 确认号: \d+, 长度: \d+$/);
    expect(top[4]).toMatch(/^\[\d+ 个重组的 TCP 报文段 \(\d+ 字节\): #\d+\(1\), #\d+\(1\), /);
    expect(top[5]).toBe('简单邮件传送协议');

    expect(one(zh, 'smtp.command_line').label).toBe('命令行: mail from: <student@wirelab.lab>\\r\\n');
    expect(one(zh, 'smtp.req.command').label).toBe('命令: mail');
    expect(one(zh, 'smtp.req.parameter').label).toBe('请求参数: from: <student@wirelab.lab>');
    expect(one(zh, 'ip.src').label).toBe('源地址: 127.0.0.1');
    expect(one(zh, 'ip.proto').label).toBe('协议: TCP (6)');
    expect(one(zh, 'ip.ttl').label).toBe('生存时间: 64');
    expect(one(zh, 'tcp.srcport').label).toBe(`源端口: ${one(en, 'tcp.srcport').value}`);
    expect(one(zh, 'tcp.dstport').label).toBe('目的端口: 25');
    expect(one(zh, 'tcp.seq').label).toMatch(/^序号: \d+ {4}\(相对序号\)$/);
    expect(one(zh, 'tcp.ack').label).toMatch(/^确认号: \d+ {4}\(相对确认号\)$/);
    expect(one(zh, 'tcp.flags.ack').label).toBe('.... ...1 .... = 确认 (ACK): 已设置');
    expect(one(zh, 'tcp.flags.syn').label).toBe('.... .... ..0. = 同步 (SYN): 未设置');
    expect(one(zh, 'tcp.checksum.status').label).toBe('[检验和状态: 未验证]');
    const segments = one(zh, 'tcp.segments');
    const count = Number(one(en, 'tcp.segment.count').value);
    expect(segments.label).toMatch(new RegExp(`^\\[${count} 个重组的 TCP 报文段 \\(${one(en, 'tcp.reassembled.length').value} 字节\\): #`));
    expect(all(zh.tree, 'tcp.segment')[0]!.label).toMatch(/^\[帧: \d+, 载荷: 0-0 \(1 字节\)\]$/);
    expect(one(zh, 'tcp.segment.count').label).toBe(`[报文段数: ${count}]`);
    expect(zh.sources.map((s) => s.name)).toEqual(['帧', `重组的 TCP (${one(en, 'tcp.reassembled.length').value} 字节)`]);

    // An earlier one-key segment of the same line points at this frame.
    const earlier = Number(all(en.tree, 'tcp.segment')[0]!.value);
    const { zh: part } = both(wb, earlier);
    expect(one(part, 'tcp.reassembled_in').label).toBe(`[PDU 重组于帧: ${frame}]`);
    expect(one(part, 'tcp.payload').label).toBe('TCP 载荷 (1 字节)');
  });

  it('AUTH LOGIN: the command, the 334 prompts and the base64 username and password', () => {
    const auth = frameWhere(wb, /^C: auth login$/i);
    expect(one(both(wb, auth).zh, 'smtp.req.command').label).toMatch(/^命令: auth$/i);
    const user = frameWhere(wb, /^C: User: /);
    const { en, zh } = both(wb, user);
    expect(one(zh, 'smtp.auth.username').label).toBe(`用户名: ${one(en, 'smtp.auth.username').value}`);
    const pass = frameWhere(wb, /^C: Pass: /);
    expect(one(both(wb, pass).zh, 'smtp.auth.password').label).toMatch(/^密码: \S+$/);
  });

  it('every reply code of the capture with its RFC 5321 meaning in Chinese', () => {
    const expected: Record<string, string> = {
      220: '<域名> 服务就绪',
      250: '请求的邮件操作已完成',
      334: '等待认证输入 (AUTH 质询)',
      535: '认证凭据无效',
      235: '认证成功',
      354: '开始邮件输入，以 <CRLF>.<CRLF> 结束',
      221: '<域名> 服务关闭传输信道',
    };
    for (const [code, meaning] of Object.entries(expected)) {
      const frame = frameWhere(wb, new RegExp(`^S: ${code}[ -]`));
      const { en, zh } = both(wb, frame);
      expect(one(zh, 'smtp.response.code').label).toBe(`响应码: ${meaning} (${code})`);
      expect(one(zh, 'smtp.response').label).toBe(one(en, 'smtp.response').label.replace(/^Response: /, '响应: '));
      for (const [i, p] of all(zh.tree, 'smtp.rsp.parameter').entries()) {
        expect(p.label).toBe(all(en.tree, 'smtp.rsp.parameter')[i]!.label.replace(/^Response parameter: /, '响应参数: '));
      }
    }
  });

  it('switching back gives the English tree unchanged, and the locale never resets the view', async () => {
    await wb['view.setFilter']('smtp');
    const displayed = wb['view.rows'](0, 100_000).length;
    const frame = frameWhere(wb, /^S: 250 /);
    const before = wb['frame.detail'](frame);
    const text = printDetailText(before.tree).join('\n');
    const events: string[] = [];
    const off = wb.events.on('view.onReset', () => events.push('reset'));
    wb['prefs.set']('gui.locale', 'zh-CN');
    expect(printDetailText(wb['frame.detail'](frame).tree).join('\n')).not.toBe(text);
    expect(() => wb['prefs.set']('gui.locale', 'fr')).toThrow('Unknown locale "fr" for gui.locale: use one of en, zh-CN');
    expect(one(wb['frame.detail'](frame), 'smtp.response.code').label).toBe('响应码: 请求的邮件操作已完成 (250)');
    wb['prefs.set']('gui.locale', 'en');
    off();
    expect(events).toEqual([]);
    expect(wb['view.rows'](0, 100_000).length).toBe(displayed);
    const after = wb['frame.detail'](frame);
    expect(after).toEqual(before);
    expect(printDetailText(after.tree).join('\n')).toBe(text);
  });
});

describe('every frame of every standard capture', () => {
  it('has the same tree in both languages except labels, and Chinese field labels', async () => {
    for (const name of Object.keys(captures) as (keyof typeof captures)[]) {
      for (const decryption of [false, true]) {
        const wb = await open(name, decryption);
        const frames = wb.packetStore.size;
        const english = Array.from({ length: frames }, (_, i) => wb['frame.detail'](i + 1));
        wb['prefs.set']('gui.locale', 'zh-CN');
        for (let n = 1; n <= frames; n++) {
          const zh = wb['frame.detail'](n);
          expect(shape(zh.tree)).toEqual(shape(english[n - 1]!.tree));
          const untranslated = visibleFieldLabels(zh.tree).filter(([field, label]) => !RAW_LINE_FIELDS.has(field) && !CJK.test(label));
          expect(untranslated, `${name} frame ${n}`).toEqual([]);
        }
      }
    }
  }, 180_000);

  it('shows decoded AUTH PLAIN credentials with Chinese labels when smtp.decryption is on', async () => {
    const wb = await open('smtp-curl', true);
    wb['prefs.set']('gui.locale', 'zh-CN');
    const detail = wb['frame.detail'](frameWhere(wb, /^C: User: student {2}Pass: lab0418$/));
    expect(one(detail, 'smtp.auth.username')).toMatchObject({ label: '用户名: student', value: 'student' });
    expect(one(detail, 'smtp.auth.password')).toMatchObject({ label: '密码: lab0418', value: 'lab0418' });
  });

  it('translates POP, IPv6 and Linux cooked capture trees', async () => {
    const pop = await open('pop-curl');
    pop['prefs.set']('gui.locale', 'zh-CN');
    const greeting = pop['frame.detail'](frameWhere(pop, /^S: \+OK /));
    expect(greeting.tree.filter((n) => !n.hidden).at(-1)!.label).toBe('邮局协议');
    expect(one(greeting, 'pop.response.indicator').label).toBe('响应指示: +OK (成功)');
    expect(one(greeting, 'pop.response.description').label).toMatch(/^响应描述: /);
    const apop = pop['frame.detail'](frameWhere(pop, /^C: APOP teacher /));
    expect(one(apop, 'pop.request.command').label).toBe('请求命令: APOP');
    expect(one(apop, 'pop.request.parameter').label).toMatch(/^请求参数: teacher [0-9a-f]{32}$/);

    const v6 = await open('mixed-ipv6');
    v6['prefs.set']('gui.locale', 'zh-CN');
    const d6 = v6['frame.detail'](1);
    expect(d6.tree.map((n) => n.label)).toContain('网际协议版本 6, 源地址: ::1, 目的地址: ::1');
    expect(one(d6, 'ipv6.hlim').label).toBe('跳数限制: 64');
    expect(one(d6, 'ipv6.nxt').label).toBe('下一个首部: TCP (6)');

    const sll = await open('any-sll');
    sll['prefs.set']('gui.locale', 'zh-CN');
    const ds = sll['frame.detail'](1);
    expect(ds.tree[1]!.label).toBe('Linux cooked 模式捕获 v1');
    expect(one(ds, 'frame.encap_type').label).toBe('封装类型: Linux cooked 模式捕获 v1 (25)');
    expect(one(ds, 'sll.pkttype').label).toMatch(/^数据包类型: (发给本机的单播|本机发出) \(\d\)$/);
  });
});
