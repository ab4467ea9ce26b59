/** Console slice: modes, local line editing, received text, 334 decoding, and links between console lines and frames. */
import { beforeEach, describe, expect, it } from 'vitest';
import { createAppStore, type AppStore } from '../../../src/renderer/src/store/index';
import {
  alignConsole,
  applyBackspaces,
  decode334,
  escapeControls,
  lineForFrame,
  normaliseLine,
} from '../../../src/renderer/src/store/slices/console';
import type { MailTranscript } from '../../../src/shared/contract';
import { fakeClient, settle, type FakeClient } from './fake-client';

let client: FakeClient;
let store: AppStore;
const enc = (text: string) => new TextEncoder().encode(text);
const s = () => store.getState();
/** mockOf creates the fake method on first use (the fake client makes them lazily). */
const mockOf = (name: 'console.connect' | 'console.send') => {
  void client[name];
  return client.mock(name);
};
const sent = () => mockOf('console.send').mock.calls.map((c) => c[1] as string);

beforeEach(() => {
  client = fakeClient();
  mockOf('console.connect').mockImplementation(async () => ({ id: 7 }));
  mockOf('console.send').mockImplementation(async () => undefined);
  store = createAppStore(client);
});

async function connect(mode: 'line' | 'character' = 'character') {
  await s().setConsoleMode(mode);
  expect(await s().connectConsole('127.0.0.1', 2525)).toBe(true);
}

describe('console slice', () => {
  it('connects and shows the engine error in words when it fails', async () => {
    mockOf('console.connect').mockImplementationOnce(async () => {
      throw new Error('Connection refused: nothing is listening on 127.0.0.1 port 9. Is the server running and the port right?');
    });
    expect(await s().connectConsole('127.0.0.1', 9)).toBe(false);
    expect(s().consoleState).toBe('closed');
    expect(s().consoleError).toMatch(/Connection refused/);
    expect(s().consoleChunks.map((c) => c.text).join('')).toContain('Connection refused');
    await connect();
    expect(s().consoleState).toBe('open');
    expect(mockOf('console.connect')).toHaveBeenLastCalledWith('127.0.0.1', 2525, 'character');
  });

  it('sends every key as its own call in character mode (Backspace as BS)', async () => {
    await connect('character');
    for (const key of ['e', 'h', 'l', 'o', '\x7f', 'o', '\r']) s().consoleInput(key);
    await settle();
    expect(sent()).toEqual(['e', 'h', 'l', 'o', '\b', 'o', '\r']);
    const typed = s().consoleLines.find((l) => l.dir === 'C')!;
    expect(typed.text).toBe('ehlo');
    expect(typed.wire).toBe('ehlo\bo');
  });

  it('sends a paste as one call in character mode (the engine paces the keys)', async () => {
    await connect('character');
    s().consoleInput('c3R1ZGVudA==');
    await settle();
    expect(sent()).toEqual(['c3R1ZGVudA==']);
  });

  it('edits the line locally in line mode and sends it whole on Enter', async () => {
    await connect('line');
    for (const key of 'mail frm') s().consoleInput(key);
    s().consoleInput('\x7f');
    s().consoleInput('\x7f');
    for (const key of 'rom: <a@b>') s().consoleInput(key);
    expect(s().consoleBuffer).toBe('mail from: <a@b>');
    expect(sent()).toEqual([]);
    s().consoleInput('\r');
    await settle();
    expect(sent()).toEqual(['mail from: <a@b>']);
    expect(s().consoleBuffer).toBe('');
    expect(s().consoleChunks.map((c) => c.text).join('')).toContain('\b \b');
  });

  it('decodes 334 prompts in place and escapes control bytes', async () => {
    await connect();
    s().onConsoleOutput({ id: 7, kind: 'data', data: enc('220 ready\r\n334 VXNlcm5hbWU6\r') });
    s().onConsoleOutput({ id: 7, kind: 'data', data: enc('\n\x07bell\r\n') });
    const text = s().consoleChunks.map((c) => c.text).join('');
    expect(text).toContain('334 VXNlcm5hbWU6');
    expect(text).toContain('(Username:)');
    expect(text).toContain('\\x07');
    expect(s().consoleLines.filter((l) => l.dir === 'S').map((l) => [l.text, l.partial])).toEqual([
      ['220 ready', false],
      ['334 VXNlcm5hbWU6', false],
      ['\x07bell', false],
    ]);
    expect(s().consoleProtocol).toBe('smtp');
    // Output of other sessions is ignored; a close is reported.
    s().onConsoleOutput({ id: 99, kind: 'data', data: enc('nope\r\n') });
    s().onConsoleOutput({ id: 7, kind: 'status', text: 'Connection closed by foreign host.' });
    expect(s().consoleState).toBe('closed');
    expect(s().consoleLines.some((l) => l.text === 'nope')).toBe(false);
  });

  it('keeps output that arrives before connect answers', async () => {
    let answer: (v: { id: number }) => void = () => undefined;
    mockOf('console.connect').mockImplementationOnce(() => new Promise((r) => (answer = r)));
    const pending = s().connectConsole('127.0.0.1', 2525);
    s().onConsoleOutput({ id: 3, kind: 'data', data: enc('+OK hello\r\n') });
    answer({ id: 3 });
    await pending;
    expect(s().consoleLines.some((l) => l.text === '+OK hello')).toBe(true);
    expect(s().consoleProtocol).toBe('pop');
  });
});

describe('console helpers', () => {
  it('decode334 decodes prompts and refuses other lines', () => {
    expect(decode334('334 dXNlcm5hbWU6')).toBe('username:');
    expect(decode334('334 UGFzc3dvcmQ6')).toBe('Password:');
    expect(decode334('250 OK')).toBeUndefined();
    expect(decode334('334 ')).toBeUndefined();
  });
  it('escapes, normalises and applies backspaces', () => {
    expect(escapeControls('a\x1bb\r\n', false)).toBe('a\\x1bb\r\n');
    expect(normaliseLine('mail frm\\bom: <A>')).toBe(normaliseLine('mail frm\bom: <a>'));
    expect(applyBackspaces('mail frm\b\brom')).toBe('mail from');
  });
});

const SMTP: MailTranscript = {
  protocol: 'smtp',
  stream: 0,
  client: '',
  server: '',
  lines: [
    { frame: 4, dir: 'S', text: '220 wirelab.lab ESMTP' },
    { frame: 20, dir: 'C', text: 'ehlo li' },
    { frame: 22, dir: 'S', text: '250-mail' },
    { frame: 22, dir: 'S', text: '250 AUTH LOGIN PLAIN' },
    { frame: 39, dir: 'C', text: 'auth login' },
    { frame: 40, dir: 'S', text: '334 VXNlcm5hbWU6' },
    { frame: 60, dir: 'C', text: 'c3R1ZGVudA==' },
    { frame: 61, dir: 'S', text: '334 UGFzc3dvcmQ6' },
    { frame: 81, dir: 'C', text: 'bGFiMDQxOA==' },
    { frame: 82, dir: 'S', text: '235 Authentication successful' },
    { frame: 132, dir: 'C', text: 'mail from: <student@wirelab.lab>' },
    { frame: 133, dir: 'S', text: '250 Accepted' },
  ],
};

describe('links between console lines and frames', () => {
  it('links a typed session to its transcript and finds the line of a frame', async () => {
    await connect('character');
    const rx = (text: string) => s().onConsoleOutput({ id: 7, kind: 'data', data: enc(text) });
    const type = (text: string) => {
      for (const key of text) s().consoleInput(key);
      s().consoleInput('\r');
    };
    rx('220 wirelab.lab ESMTP\r\n');
    type('ehlo li');
    rx('250-mail\r\n250 AUTH LOGIN PLAIN\r\n');
    type('auth login');
    rx('334 VXNlcm5hbWU6\r\n');
    s().consoleInsert('c3R1ZGVudA==');
    s().consoleInput('\r');
    rx('334 UGFzc3dvcmQ6\r\n');
    type('bGFiMDQxOA==');
    rx('235 Authentication successful\r\n');
    await s().setConsoleMode('line');
    type('mail frm\x7f\x7from: <student@wirelab.lab>');
    rx('250 Accepted\r\n');
    const links = alignConsole(s().consoleLines, s().consoleLineBase, [SMTP]);
    const byText = new Map([...links].map(([i, l]) => [s().consoleLine(i)!.text, l.frame]));
    expect(Object.fromEntries(byText)).toEqual({
      '220 wirelab.lab ESMTP': 4,
      'ehlo li': 20,
      '250-mail': 22,
      '250 AUTH LOGIN PLAIN': 22,
      'auth login': 39,
      '334 VXNlcm5hbWU6': 40,
      'c3R1ZGVudA==': 60,
      '334 UGFzc3dvcmQ6': 61,
      'bGFiMDQxOA==': 81,
      '235 Authentication successful': 82,
      'mail from: <student@wirelab.lab>': 132,
      '250 Accepted': 133,
    });
    const lineOf = (frame: number, dir?: 'C' | 'S') => {
      const i = lineForFrame(links, frame, 0, dir);
      return i === null ? null : s().consoleLine(i)!.text;
    };
    expect(lineOf(82)).toBe('235 Authentication successful');
    // A key segment of "auth login" (one key per segment) belongs to the client line completed at 39.
    expect(lineOf(30, 'C')).toBe('auth login');
    expect(lineOf(30, 'S')).toBe('334 VXNlcm5hbWU6');
  });
});
