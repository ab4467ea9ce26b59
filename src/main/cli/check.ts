/**
 * `wirelab check FILE… [--json] [--protocol smtp|pop|both]`: grades lab captures with the lab guide's
 * checklist (src/main/engine/lab/checklist.ts). For each file it prints the steps with their status and
 * the frame of the server's reply; the exit code is 0 only when every step of the chosen protocols (by
 * default the protocols present in the file) passed in every file, 1 otherwise, 2 for bad arguments.
 * `--json` prints one JSON object per file and line: {"file", "steps": [{"id","status","frame","detail"}]}.
 */
import { readCaptureFile } from '../engine/file/reader';
import { allModules } from '../engine/modules';
import { DissectionSession } from '../engine/decode/session';
import { mailTranscripts } from '../engine/dissect/mailinfo';
import { labChecklist, type ChecklistProtocols } from '../engine/lab/checklist';
import type { LabStep } from '../../shared/contract';

const USAGE = 'Usage: wirelab check FILE… [--json] [--protocol smtp|pop|both]\n';

/** checkFile runs the first pass over one file and returns its checklist (throws for unreadable files). */
export async function checkFile(path: string, protocols: ChecklistProtocols): Promise<{ steps: LabStep[]; error?: string }> {
  const session = new DissectionSession(allModules, { keepFrameData: false });
  let number = 0;
  let firstSec = 0;
  let firstNsec = 0;
  let prevSec = 0;
  let prevNsec = 0;
  const result = await readCaptureFile(path, (rec) => {
    number++;
    if (number === 1) {
      firstSec = prevSec = rec.tsSec;
      firstNsec = prevNsec = rec.tsNsec;
    }
    session.dissect(
      {
        number,
        tsSec: rec.tsSec,
        tsNsec: rec.tsNsec,
        firstSec,
        firstNsec,
        prevSec,
        prevNsec,
        caplen: rec.caplen,
        origLen: rec.origLen,
        linktype: rec.linktype,
        interfaceId: rec.interfaceId,
        data: rec.data,
      },
      { firstPass: true, mode: 'none' },
    );
    prevSec = rec.tsSec;
    prevNsec = rec.tsNsec;
  });
  const steps = labChecklist(mailTranscripts(session), protocols);
  return result.error ? { steps, error: result.error.message } : { steps };
}

const MARK: Record<LabStep['status'], string> = { passed: '[✓]', failed: '[✗]', missing: '[ ]' };

/** runCheckCommand implements `wirelab check`; returns the exit code. */
/** TextSink is where check writes (process.stdout / stderr, or a test's collector). */
export interface TextSink {
  write(text: string): unknown;
}

export async function runCheckCommand(argv: string[], out: TextSink = process.stdout, err: TextSink = process.stderr): Promise<number> {
  const files: string[] = [];
  let json = false;
  let protocols: ChecklistProtocols = 'auto';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') json = true;
    else if (a === '--protocol') {
      const v = argv[++i];
      if (v !== 'smtp' && v !== 'pop' && v !== 'both') {
        err.write(`wirelab check: --protocol takes smtp, pop or both\n${USAGE}`);
        return 2;
      }
      protocols = v;
    } else if (a === '-h' || a === '--help') {
      out.write(USAGE);
      return 0;
    } else if (a.startsWith('-')) {
      err.write(`wirelab check: unknown option ${a}\n${USAGE}`);
      return 2;
    } else files.push(a);
  }
  if (files.length === 0) {
    err.write(`wirelab check: no capture file given\n${USAGE}`);
    return 2;
  }
  let allPassed = true;
  for (const file of files) {
    let checked: { steps: LabStep[]; error?: string };
    try {
      checked = await checkFile(file, protocols);
    } catch (e) {
      allPassed = false;
      const message = e instanceof Error ? e.message : String(e);
      if (json) out.write(JSON.stringify({ file, error: message, steps: [] }) + '\n');
      else err.write(`wirelab check: ${file}: ${message}\n`);
      continue;
    }
    if (checked.error) err.write(`wirelab check: ${file}: ${checked.error} (the frames before it were checked)\n`);
    if (!checked.steps.every((s) => s.status === 'passed')) allPassed = false;
    if (json) {
      const steps = checked.steps.map((s) => ({ id: s.id, status: s.status, frame: s.frame ?? null, detail: s.detail ?? null }));
      out.write(JSON.stringify({ file, steps }) + '\n');
      continue;
    }
    const passed = checked.steps.filter((s) => s.status === 'passed').length;
    out.write(`${file}: ${passed}/${checked.steps.length} steps passed\n`);
    for (const s of checked.steps) {
      const where = s.frame !== undefined ? `frame ${s.frame}` : '';
      out.write(`  ${MARK[s.status]} ${s.id.padEnd(16)} ${s.status.padEnd(7)} ${where.padEnd(12)} ${s.detail ?? ''}`.trimEnd() + '\n');
    }
  }
  return allPassed ? 0 : 1;
}
