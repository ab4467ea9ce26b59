/**
 * The CLI's live capture helpers: `tshark -D`'s list layout (friendly names as dumpcap gives them on
 * Linux: only loopback interfaces have one), `-i` by number with tshark's messages, and the label of the
 * `Capturing on '…'` line.
 */
import { describe, expect, it } from 'vitest';
import type { CaptureInterface } from '../../../src/shared/contract';
import { captureLabel, captureTarget, interfaceLines, interfacesReport, resolveInterface } from '../../../src/main/cli/capture';

const iface = (name: string, extra: Partial<CaptureInterface> = {}): CaptureInterface => ({ name, addresses: [], loopback: false, canCapture: true, ...extra });
const LIST = [iface('eth0'), iface('any', { description: 'Pseudo-device that captures on all interfaces' }), iface('lo', { loopback: true })];

describe('wirelab -D and -i', () => {
  it('lists interfaces as tshark -D does on Linux', () => {
    expect(interfaceLines(LIST, 'linux')).toBe('1. eth0\n2. any\n3. lo (Loopback)\n');
    // elsewhere libpcap's description is the friendly name
    expect(interfaceLines(LIST, 'win32')).toBe('1. eth0\n2. any (Pseudo-device that captures on all interfaces)\n3. lo (Loopback)\n');
  });

  it('reports an empty list as tshark does', () => {
    expect(interfacesReport([])).toEqual({ stdout: '', stderr: 'There are no interfaces on which a capture can be done\n', code: 2 });
  });

  it('resolves -i numbers (1-based) with tshark messages; other words are names', () => {
    const list = () => LIST;
    expect(resolveInterface('3', list)).toEqual({ name: 'lo' });
    expect(resolveInterface('lo', list)).toEqual({ name: 'lo' });
    expect(resolveInterface('3x', list)).toEqual({ name: '3x' });
    expect(resolveInterface('0', list)).toEqual({ error: 'There is no interface with that adapter index' });
    expect(resolveInterface('4', list)).toEqual({ error: 'There is no interface with that adapter index' });
    expect(resolveInterface('-1', list)).toEqual({ error: 'The specified adapter index is a negative number' });
  });

  it('labels the capture as tshark does', () => {
    expect(captureLabel('lo', LIST)).toMatch(/^(Loopback: lo)$/);
    expect(captureLabel('eth0', LIST)).toBe('eth0');
    expect(captureLabel('nosuch', LIST)).toBe('nosuch');
    let asked = 0;
    expect(captureTarget('eth0', () => (asked++, LIST))).toEqual({ name: 'eth0', label: 'eth0' });
    expect(captureTarget('3', () => (asked++, LIST))).toEqual({ name: 'lo', label: 'Loopback: lo' });
    expect(asked).toBe(2);
  });
});
