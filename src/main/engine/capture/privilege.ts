/**
 * Whether this process may capture, and what to tell the user when it may not — per operating system,
 * in the words of each platform's fix (never "run the GUI as root").
 */
import { readFileSync } from 'node:fs';

/** CAP_NET_RAW is capability bit 13 on Linux. */
const CAP_NET_RAW_BIT = 13n;
const CAP_NET_ADMIN_BIT = 12n;

/** linuxCapabilities reads the effective capability set of this process. */
export function linuxEffectiveCapabilities(status = '/proc/self/status'): bigint {
  try {
    const text = readFileSync(status, 'utf8');
    const m = /^CapEff:\s*([0-9a-f]+)$/m.exec(text);
    return m ? BigInt('0x' + m[1]) : 0n;
  } catch {
    return 0n;
  }
}

/** canCaptureInProcess tells whether libpcap in this process may open interfaces. */
export function canCaptureInProcess(): boolean {
  if (process.platform === 'win32') return true; // Npcap decides per device; errors say so
  if (process.getuid?.() === 0) return true;
  if (process.platform === 'linux') {
    const caps = linuxEffectiveCapabilities();
    return ((caps >> CAP_NET_RAW_BIT) & 1n) === 1n && ((caps >> CAP_NET_ADMIN_BIT) & 1n) === 1n;
  }
  return false; // macOS: /dev/bpf* permissions decide; the open error explains
}

/** permissionFix says how to allow capturing on this OS. */
export function permissionFix(platform: NodeJS.Platform = process.platform): string {
  switch (platform) {
    case 'linux':
      return (
        'Allow capturing without running Wirelab as root: install Wireshark\'s dumpcap and add yourself to the ' +
        '"wireshark" group (sudo dpkg-reconfigure wireshark-common; sudo usermod -aG wireshark $USER; then log out and in), ' +
        'or give the capture helper the capabilities: sudo setcap cap_net_raw,cap_net_admin=eip /usr/bin/dumpcap.'
      );
    case 'win32':
      return (
        'Install Npcap (https://npcap.com) with "Support loopback traffic" and "Install Npcap in WinPcap API-compatible Mode" ' +
        'ticked, then restart Wirelab.'
      );
    case 'darwin':
      return 'Install Wireshark\'s ChmodBPF package (it lets the "access_bpf" group use /dev/bpf*), then log out and in.';
    default:
      return 'Give this user permission to capture packets (libpcap), or use Wireshark\'s dumpcap.';
  }
}
