/**
 * allModules is the one list of protocol modules the engine registers (frame first). The field registry,
 * the dissector tables and the preference list are all built from it by {@link ProtocolRegistry}.
 */
import type { ProtocolModule } from './decode/protocol';
import { decodeModules } from './decode/index';
import { dissectModules } from './dissect/index';

/** allModules lists every protocol module in registration order. */
export const allModules: readonly ProtocolModule[] = [...decodeModules, ...dissectModules];
