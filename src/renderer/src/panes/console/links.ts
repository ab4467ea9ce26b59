/**
 * Links between console lines and packets, over the contract's `mail.transcripts`: a console line is
 * matched to the transcript line with the same direction and text (store `alignConsole`); the transcript
 * gives the packet that completed the line. Limitation: a transcript line names one packet (the one
 * that completed it, where Wireshark shows "Reassembled TCP Segments"), so clicking a line typed in
 * character mode selects that packet, whose details list the other segments.
 */
import type { TFunction } from 'i18next';
import { findField } from '../../store/detail-tree';
import type { AppStore } from '../../store/index';
import { alignConsole, lineForFrame } from '../../store/slices/console';

/** numberOf reads a number from a detail value such as `44107` or `smtp (25)`. */
function numberOf(value: string | undefined): number | undefined {
  const m = value === undefined ? null : /(\d+)\)?\s*$/.exec(value);
  return m ? Number(m[1]) : undefined;
}

/** selectFrameOfLine selects the packet that carried console line `line` and highlights the line. */
export async function selectFrameOfLine(store: AppStore, line: number, t: TFunction): Promise<void> {
  await store.getState().refreshLab();
  const s = store.getState();
  const link = alignConsole(s.consoleLines, s.consoleLineBase, s.transcripts).get(line);
  if (!link) {
    // A click that only focuses the terminal, or a line the capture does not hold: nothing to select.
    s.setConsoleHighlight(null);
    return;
  }
  s.setConsoleHighlight(line);
  if (!(await s.goToFrame(link.frame))) s.notify('info', t('console.frameNotShown', { frame: link.frame }));
}

/** highlightForSelection finds the console line of the selected packet (null when none). */
export function highlightForSelection(store: AppStore): number | null {
  const s = store.getState();
  const frame = s.selectedFrame;
  if (frame === null || s.consoleLines.length === 0) return null;
  const links = alignConsole(s.consoleLines, s.consoleLineBase, s.transcripts);
  const current = s.consoleHighlight !== null ? links.get(s.consoleHighlight) : undefined;
  if (current && current.frame === frame) return s.consoleHighlight;
  const tree = s.detail?.number === frame ? s.detail.tree : undefined;
  const streamNode = tree ? findField(tree, 'tcp.stream') : undefined;
  const stream = numberOf(streamNode?.value);
  const dstNode = tree ? findField(tree, 'tcp.dstport') : undefined;
  let dir: 'C' | 'S' | undefined;
  const port = numberOf(dstNode?.value);
  if (port !== undefined && stream !== undefined) {
    for (const [index, link] of links) {
      if (link.stream !== stream) continue;
      const line = s.consoleLine(index);
      if (line?.port !== undefined) {
        dir = line.port === port ? 'C' : 'S';
        break;
      }
    }
  }
  return lineForFrame(links, frame, stream, dir);
}
