/**
 * The list of protocol modules, in registration order (frame first). Adding a protocol = writing one
 * module file and adding it here; its `handoff` puts it into the tables it belongs to.
 */
import type { ProtocolModule } from './protocol';
import { frame } from './frame';
import { data } from './data';
import { expert } from './expert';
import { eth } from './eth';
import { ethertype } from './ethertype';
import { vlan } from './vlan';
import { sll } from './sll';
import { nullLoopback } from './null';
import { raw } from './raw';
import { arp } from './arp';
import { ipv4 } from './ipv4';
import { ipv6 } from './ipv6';
import { icmp } from './icmp';
import { icmpv6 } from './icmpv6';
import { udp } from './udp';
import { tcp } from './tcp';
import { dns } from './dns';

/** decodeModules are the link, network and transport layers plus the frame and data pseudo layers. */
export const decodeModules: ProtocolModule[] = [
  frame,
  data,
  expert,
  // link layers
  eth,
  ethertype,
  vlan,
  sll,
  nullLoopback,
  raw,
  // network layers
  arp,
  ipv4,
  ipv6,
  icmp,
  icmpv6,
  // transport layers
  udp,
  tcp,
  // application layers carried over UDP
  dns,
];
