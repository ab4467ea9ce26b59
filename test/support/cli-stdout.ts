/**
 * cliStdout runs the `wirelab` CLI in this process (src/main/cli's main, no build needed) and returns
 * what it printed; the run must exit with 0. For conformance tests that compare output with tshark's.
 */
import { expect } from 'vitest';
import { main, type CliIO } from '../../src/main/cli/index';

export async function cliStdout(args: string[]): Promise<string> {
  let stdout = '';
  const io: CliIO = { stdout: (s) => (stdout += s), stderr: () => {}, sameTarget: false };
  expect(await main(args, io)).toBe(0);
  return stdout;
}
