/** Lab and scripts slices: throttled lab refresh, script parsing, reply waiting, run/stop, persistence. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { bindIpcToStore, createAppStore, type AppStore } from '../../../src/renderer/src/store/index';
import { LAB_REFRESH_MS } from '../../../src/renderer/src/store/slices/lab';
import {
  BUILTIN_SCRIPTS,
  checkReply,
  expandLine,
  loadScripts,
  parseScript,
  persistScripts,
  SCRIPTS_KEY,
} from '../../../src/renderer/src/store/slices/scripts';
import { fakeClient, settle, type FakeClient } from './fake-client';

let client: FakeClient;
let store: AppStore;
const s = () => store.getState();
const enc = (text: string) => new TextEncoder().encode(text);
const mockOf = (name: Parameters<FakeClient['mock']>[0]) => {
  void client[name];
  return client.mock(name);
};

beforeEach(() => {
  client = fakeClient();
  store = createAppStore(client);
});
afterEach(() => vi.useRealTimers());

describe('lab slice', () => {
  it('refreshes steps, credentials, transcripts and messages, throttled on view.onCounts', async () => {
    vi.useFakeTimers();
    mockOf('lab.steps').mockImplementation(async () => [{ id: 'smtp.greeting', status: 'passed', frame: 4, detail: '220 ready' }]);
    mockOf('mail.credentials').mockImplementation(async () => [
      { protocol: 'smtp', mechanism: 'AUTH LOGIN', username: 'student', password: 'lab0418', frame: 39, stream: 0, success: true },
    ]);
    mockOf('mail.transcripts').mockImplementation(async () => []);
    mockOf('mail.messages').mockImplementation(async () => []);
    const unbind = bindIpcToStore(client, store);
    for (let i = 0; i < 20; i++) client.emit('view.onCounts', { frames: i + 1, displayed: i + 1, marked: 0 });
    await vi.advanceTimersByTimeAsync(LAB_REFRESH_MS + 10);
    expect(mockOf('lab.steps')).toHaveBeenCalledTimes(1);
    expect(s().labSteps[0]).toMatchObject({ id: 'smtp.greeting', status: 'passed', frame: 4 });
    expect(s().credentials[0].password).toBe('lab0418');
    client.emit('view.onReset', { source: 'live', unsaved: true, counts: { frames: 0, displayed: 0, marked: 0 } });
    expect(s().labSteps).toEqual([]);
    unbind();
  });

  it('waits a full LAB_REFRESH_MS after a new view before its first refresh (first rows go first)', async () => {
    vi.useFakeTimers();
    for (const m of ['lab.steps', 'mail.credentials', 'mail.transcripts', 'mail.messages'] as const) mockOf(m).mockImplementation(async () => []);
    const unbind = bindIpcToStore(client, store);
    await vi.advanceTimersByTimeAsync(LAB_REFRESH_MS * 2);
    const before = mockOf('lab.steps').mock.calls.length;
    client.emit('view.onReset', { source: 'file', unsaved: false, counts: { frames: 0, displayed: 0, marked: 0 } });
    client.emit('view.onCounts', { frames: 300, displayed: 300, marked: 0 });
    await vi.advanceTimersByTimeAsync(LAB_REFRESH_MS - 50);
    expect(mockOf('lab.steps').mock.calls.length).toBe(before);
    await vi.advanceTimersByTimeAsync(100);
    expect(mockOf('lab.steps').mock.calls.length).toBe(before + 1);
    unbind();
  });
});

describe('scripts', () => {
  it('expands base64 (UTF-8) and parses comments, directives, DATA and multi-line POP3 commands', () => {
    expect(expandLine('{{base64:student}}')).toBe('c3R1ZGVudA==');
    expect(expandLine('x {{base64:实验}} y')).toBe('x 5a6e6aqM y');
    const steps = parseScript(BUILTIN_SCRIPTS[0].text);
    expect(steps[0]).toEqual({ kind: 'connect', line: 4, target: 'lab-smtp' });
    const sends = steps.filter((st) => st.kind === 'send');
    expect(sends.map((st) => (st.kind === 'send' ? [st.text, st.wait] : []))).toEqual([
      ['ehlo li', 'reply'],
      ['auth login', 'reply'],
      ['c3R1ZGVudA==', 'reply'],
      ['bGFiMDQxOA==', 'reply'],
      ['mail from: <student@wirelab.lab>', 'reply'],
      ['rcpt to: <teacher@wirelab.lab>', 'reply'],
      ['data', 'reply'],
      ['From: student@wirelab.lab', 'none'],
      ['To: teacher@wirelab.lab', 'none'],
      ['Subject: SMTP commands test', 'none'],
      ['', 'none'],
      ['This is just a test.', 'none'],
      ['.', 'reply'],
      ['quit', 'reply'],
    ]);
    const pop = parseScript(BUILTIN_SCRIPTS[1].text).filter((st) => st.kind === 'send');
    expect(pop.map((st) => (st.kind === 'send' ? st.wait : ''))).toEqual(['reply', 'reply', 'reply', 'multi', 'multi', 'reply']);
    expect(parseScript('@bogus')[0].kind).toBe('error');
    expect(parseScript('@connect 127.0.0.1 25')[0]).toEqual({ kind: 'connect', line: 1, target: { host: '127.0.0.1', port: 25 } });
  });

  it('waits for the final line of a reply', () => {
    expect(checkReply(['250-mail', '250-PIPELINING'], 'reply').done).toBe(false);
    expect(checkReply(['250-mail', '250 8BITMIME'], 'reply')).toEqual({ done: true, ok: true, text: '250 8BITMIME' });
    expect(checkReply(['535 Error: authentication failed'], 'reply')).toMatchObject({ done: true, ok: false });
    expect(checkReply(['+OK 1 53'], 'multi').done).toBe(false);
    expect(checkReply(['+OK 1 53', '1 53', '.'], 'multi')).toEqual({ done: true, ok: true, text: '+OK 1 53' });
    expect(checkReply(['-ERR no such message'], 'multi')).toMatchObject({ done: true, ok: false });
    expect(checkReply([], 'none').done).toBe(true);
  });

  it('runs a script, waiting for each reply, and stops on a negative reply', async () => {
    mockOf('console.connect').mockImplementation(async () => ({ id: 1 }));
    const replies: Record<string, string> = {
      'user teacher': '+OK\r\n',
      'pass wrong': '-ERR [AUTH] Invalid login\r\n',
    };
    mockOf('console.send').mockImplementation(async (_id: number, data: string) => {
      const reply = replies[data.replace(/\r$/, '')];
      if (reply) setTimeout(() => s().onConsoleOutput({ id: 1, kind: 'data', data: enc(reply) }), 5);
    });
    s().setScriptText(s().activeScriptId, '@connect 127.0.0.1 110\n# log in\nuser teacher\npass wrong\nstat\n');
    const running = s().runScript();
    await settle();
    s().onConsoleOutput({ id: 1, kind: 'data', data: enc('+OK ready\r\n') });
    await running;
    expect(s().scriptRun).toMatchObject({ state: 'failed', line: 4 });
    expect(s().scriptRun.message).toContain('-ERR [AUTH] Invalid login');
    const sent = mockOf('console.send').mock.calls.map((c) => c[1]);
    expect(sent).toEqual(['user teacher\r', 'pass wrong\r']);
  });

  it('times out and can be stopped', async () => {
    mockOf('console.connect').mockImplementation(async () => ({ id: 1 }));
    await s().connectConsole('127.0.0.1', 25);
    s().setScriptTimeout(500);
    s().setScriptText(s().activeScriptId, 'noop\n');
    await s().runScript();
    expect(s().scriptRun).toMatchObject({ state: 'failed', line: 1, message: 'No reply within 1 s.' });
    const running = s().runScript();
    await settle();
    expect(s().scriptRun.state).toBe('running');
    s().stopScript();
    await running;
    expect(s().scriptRun.state).toBe('stopped');
  });

  it('saves and reopens scripts (ready-made ones always present)', () => {
    const saved = new Map<string, string>();
    const storage = { getItem: (k: string) => saved.get(k) ?? null, setItem: (k: string, v: string) => void saved.set(k, v) };
    const unsubscribe = persistScripts(store, storage);
    const id = s().newScript('Mine');
    s().setScriptText(id, 'ehlo me\n');
    unsubscribe();
    const loaded = loadScripts(storage);
    expect(loaded.scripts?.map((x) => x.id)).toEqual(['builtin-smtp', 'builtin-pop3', id]);
    expect(loaded.scripts?.[2].text).toBe('ehlo me\n');
    expect(loaded.activeScriptId).toBe(id);
    expect(loadScripts({ getItem: () => '{bad json' })).toEqual({});
    saved.set(SCRIPTS_KEY, JSON.stringify({ scripts: [{ id: 'x', name: 1 }], active: 'nope' }));
    expect(loadScripts(storage).scripts?.length).toBe(2);
  });
});
