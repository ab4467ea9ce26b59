/**
 * `wirelab -z follow,tcp,ascii|hex|raw,N` against tshark's output on the standard lab captures: one key
 * per segment, IPv6, a capture that missed a segment ("[N bytes missing in capture file]"), and a
 * stream that does not exist. Also the workbench's stream.follow, which the Follow TCP Stream window shows.
 */
import { describe, expect, inject, it } from 'vitest';
import { main } from '../../src/main/cli/index';
import { Workbench } from '../../src/main/engine/workbench';
import { tsharkRaw } from '../support/tshark';

const captures = inject('captures').captures;

async function ours(args: string[]): Promise<string> {
  let out = '';
  const code = await main(args, {
    stdout: (t: string) => (out += t),
    stderr: () => undefined,
    sameTarget: false,
  } as unknown as Parameters<typeof main>[1]);
  expect(code).toBe(0);
  return out;
}

describe('follow TCP stream', () => {
  const cases: [keyof typeof captures, number][] = [
    ['smtp-handout', 0],
    ['pop-handout', 0],
    ['smtp-python', 0],
    ['mixed-ipv6', 0],
    ['mixed-ipv6', 1],
    ['any-sll2', 0],
    ['smtp-curl', 7],
  ];
  for (const [name, stream] of cases) {
    for (const mode of ['ascii', 'hex', 'raw'] as const) {
      it(`${name} stream ${stream} ${mode} equals tshark`, async () => {
        const file = captures[name].file;
        const theirs = await tsharkRaw(['-r', file, '-q', '-z', `follow,tcp,${mode},${stream}`]);
        expect(theirs.code).toBe(0);
        expect(await ours(['-r', file, '-q', '-z', `follow,tcp,${mode},${stream}`])).toBe(theirs.stdout);
      });
    }
  }

  it('follows only the frames tshark read: the first -c ones, those -2 -R keeps; -Y hides none', async () => {
    const file = captures['smtp-handout'].file;
    for (const limit of [['-c', '12'], ['-c', '30', '-Y', 'tcp.len == 1'], ['-2', '-R', 'frame.number < 12'], ['-Y', 'frame.number < 12']]) {
      const args = ['-r', file, '-q', '-z', 'follow,tcp,ascii,0', ...limit];
      const theirs = await tsharkRaw(args);
      expect(theirs.code).toBe(0);
      expect(await ours(args), limit.join(' ')).toBe(theirs.stdout);
    }
  });

  it('gives the workbench the client and server chunks with their frames', async () => {
    const workbench = new Workbench({ labServer: false });
    await workbench['file.open'](captures['smtp-python'].file);
    const follow = workbench['stream.follow'](0);
    expect(follow.client).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(follow.server).toBe('127.0.0.1:25');
    const first = follow.chunks[0];
    expect(first.dir).toBe(1);
    expect(new TextDecoder().decode(first.bytes)).toMatch(/^220 /);
    const detail = workbench['frame.detail'](first.frame);
    expect(detail.tree.some((n) => n.label.startsWith('Simple Mail Transfer Protocol'))).toBe(true);
    expect(() => workbench['stream.follow'](99)).toThrow(/no TCP stream 99/);
  });
});
