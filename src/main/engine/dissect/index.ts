/**
 * The application-layer protocol modules (SMTP, POP, IMF), in registration order. Adding a protocol =
 * writing one module file and adding it here.
 */
import type { ProtocolModule } from '../decode/protocol';

/** dissectModules are the application protocols. */
export const dissectModules: ProtocolModule[] = [];
