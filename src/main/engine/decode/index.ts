/**
 * The list of protocol modules, in registration order (frame first). Adding a protocol = writing one
 * module file and adding it here; its `handoff` puts it into the tables it belongs to.
 */
import type { ProtocolModule } from './protocol';
import { frame } from './frame';
import { data } from './data';

/** decodeModules are the link, network and transport layers plus the frame and data pseudo layers. */
export const decodeModules: ProtocolModule[] = [frame, data];
