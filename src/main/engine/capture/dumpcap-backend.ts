/**
 * The `dumpcap` backend: Wireshark's capture helper as a child process writing pcapng to its stdout
 * (`dumpcap -i IFACE -f FILTER -w - -q`), parsed with the same push parser as files. This is Wireshark's
 * own privilege split: dumpcap may hold the capture capabilities (or the wireshark group may run it)
 * while Wirelab itself runs as a normal user. Timestamps and original lengths come from dumpcap.
 */
import { spawn, spawnSync } from 'node:child_process';
import { CaptureParser } from '../file/reader';
import { CaptureError, type CaptureSource, type SourceHandlers, type SourceOptions, type SourceStats } from './types';
import { permissionFix } from './privilege';

/** findDumpcap returns the dumpcap path, or undefined. */
export function findDumpcap(): string | undefined {
  const candidates =
    process.platform === 'win32'
      ? ['C:\\Program Files\\Wireshark\\dumpcap.exe']
      : process.platform === 'darwin'
        ? ['/Applications/Wireshark.app/Contents/MacOS/dumpcap', '/usr/local/bin/dumpcap', '/opt/homebrew/bin/dumpcap']
        : ['/usr/bin/dumpcap', '/usr/sbin/dumpcap', '/usr/local/bin/dumpcap'];
  for (const path of candidates) {
    const r = spawnSync(path, ['-v'], { stdio: 'ignore', timeout: 5000 });
    if (r.status === 0) return path;
  }
  return undefined;
}

/** dumpcapCanCapture asks dumpcap to list interfaces: it fails when this user may not capture. */
export function dumpcapCanCapture(path: string): { ok: boolean; message: string } {
  const r = spawnSync(path, ['-D'], { encoding: 'utf8', timeout: 10_000 });
  const message = (r.stderr ?? '').trim();
  return { ok: r.status === 0 && (r.stdout ?? '').trim().length > 0, message };
}

/** classifyDumpcapError turns dumpcap's stderr into a CaptureError saying what to do. */
export function classifyDumpcapError(stderr: string, iface: string, filter: string): CaptureError {
  const text = stderr.trim().replace(/\s+/g, ' ');
  if (/Invalid capture filter|syntax error|can't parse filter/i.test(text)) {
    return new CaptureError('bad-filter', `Invalid capture filter "${filter}": ${text}. Capture filters use BPF syntax, e.g. "tcp port 25".`);
  }
  if (/permission|not permitted|don't have permission/i.test(text)) {
    return new CaptureError('permission', `You may not capture on ${iface}: ${text}. ${permissionFix()}`);
  }
  if (/no such device|There is no device|doesn't exist/i.test(text)) {
    return new CaptureError('no-device', `There is no interface "${iface}". Choose another interface.`);
  }
  return new CaptureError('backend-failed', `dumpcap failed on ${iface}: ${text || 'no message'}`);
}

/** startDumpcapSource spawns dumpcap; resolves once its pcapng header arrives, rejects with a CaptureError. */
export function startDumpcapSource(dumpcap: string, options: SourceOptions, handlers: SourceHandlers): Promise<CaptureSource> {
  const args = ['-i', options.iface, '-w', '-', '-q'];
  if (options.filter) args.push('-f', options.filter);
  const child = spawn(dumpcap, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const parser = new CaptureParser();
  const stats: SourceStats = { packets: 0, bytes: 0, dropped: 0 };
  let stderr = '';
  let started = false;
  let stopping = false;
  let linktype = -1;
  return new Promise((resolve, reject) => {
    const source: CaptureSource = {
      backend: 'dumpcap',
      get linktype() {
        return linktype;
      },
      stats: () => ({ ...stats }),
      stop: () =>
        new Promise<void>((done) => {
          if (child.exitCode !== null) return done();
          stopping = true;
          child.once('exit', () => done());
          child.kill('SIGINT');
          setTimeout(() => child.kill('SIGKILL'), 3000).unref();
        }),
    };
    child.stdout.on('data', (chunk: Buffer) => {
      // dumpcap prints "Capturing on" even before it rejects a filter; the pcapng header on stdout is
      // the sign that the capture really runs.
      if (!started) {
        started = true;
        resolve(source);
      }
      // Each chunk is fresh from the stream, so records may view it without copying.
      for (const rec of parser.push(chunk)) {
        linktype = rec.linktype;
        stats.packets++;
        stats.bytes += rec.caplen;
        handlers.record(rec);
      }
      const err = parser.error;
      if (err) handlers.error(new CaptureError('backend-failed', `dumpcap sent damaged data: ${err.message}`));
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
      if (stderr.length > 65536) stderr = stderr.slice(-65536);
      const drops = /Packets (?:received\/)?dropped[^:]*:\s*\d+\/(\d+)/.exec(stderr);
      if (drops) stats.dropped = Number(drops[1]);
    });
    child.on('error', (err) => {
      const e = new CaptureError('backend-missing', `dumpcap could not be started: ${err.message}`);
      if (!started) reject(e);
      else handlers.error(e);
    });
    child.on('exit', (code) => {
      if (!started) {
        reject(classifyDumpcapError(stderr, options.iface, options.shownFilter ?? options.filter));
      } else if (!stopping && code !== 0) {
        handlers.error(classifyDumpcapError(stderr, options.iface, options.shownFilter ?? options.filter));
      }
    });
  });
}
