/**
 * The interface list for the picker: names, descriptions, addresses, the loopback flag, and whether
 * capturing is permitted (and if not, why and how to fix it). Read from libpcap through `cap`; where the
 * binding is missing, from `dumpcap -D -M`.
 */
import { spawnSync } from 'node:child_process';
import type { CaptureInterface } from '../../../shared/contract';
import { capLoadError, loadCap } from './cap-backend';
import { dumpcapCanCapture, findDumpcap } from './dumpcap-backend';
import { canCaptureInProcess, permissionFix } from './privilege';

/** CaptureAbility says which backend may capture here. */
export interface CaptureAbility {
  backend: 'cap' | 'dumpcap' | null;
  dumpcap?: string;
  why?: string;
  fix?: string;
}

let ability: CaptureAbility | undefined;

/** captureAbility decides once which backend to use (cap in process first, then dumpcap). */
export function captureAbility(refresh = false): CaptureAbility {
  if (ability && !refresh) return ability;
  if (loadCap() && canCaptureInProcess()) return (ability = { backend: 'cap' });
  const dumpcap = findDumpcap();
  if (dumpcap) {
    const probe = dumpcapCanCapture(dumpcap);
    if (probe.ok) return (ability = { backend: 'dumpcap', dumpcap });
    return (ability = { backend: null, dumpcap, why: probe.message || 'dumpcap may not capture for this user.', fix: permissionFix() });
  }
  const why = loadCap()
    ? 'This user may not capture packets, and Wireshark\'s dumpcap is not installed.'
    : `The capture library is not available (${capLoadError()}), and Wireshark's dumpcap is not installed.`;
  return (ability = { backend: null, why, fix: permissionFix() });
}

function dumpcapInterfaces(dumpcap: string): CaptureInterface[] {
  const r = spawnSync(dumpcap, ['-D', '-M'], { encoding: 'utf8', timeout: 10_000 });
  if (r.status !== 0) return [];
  // Machine-readable lines: number. name\tvendor\tfriendly name\tiface type\taddresses\tloopback\n
  return r.stdout
    .split('\n')
    .filter((l) => /^\d+\. /.test(l))
    .map((line) => {
      const cols = line.replace(/^\d+\. /, '').split('\t');
      return {
        name: cols[0],
        description: cols[2] || cols[1] || undefined,
        addresses: (cols[4] ?? '').split(',').filter(Boolean),
        loopback: cols[5] === 'loopback' || cols[0] === 'lo',
        canCapture: true,
      };
    });
}

/** listInterfaces returns every interface with its capture permission. */
export function listInterfaces(): CaptureInterface[] {
  const able = captureAbility();
  const cap = loadCap();
  let list: CaptureInterface[] = [];
  if (cap) {
    try {
      list = cap.Cap.deviceList().map((d) => ({
        name: d.name,
        description: d.description,
        addresses: d.addresses.map((a) => a.addr).filter(Boolean),
        loopback: /LOOPBACK/.test(d.flags ?? '') || d.name === 'lo',
        canCapture: true,
      }));
    } catch {
      list = [];
    }
  }
  if (list.length === 0 && able.dumpcap) list = dumpcapInterfaces(able.dumpcap);
  return list.map((i) =>
    able.backend ? i : { ...i, canCapture: false, why: able.why, fix: able.fix },
  );
}
