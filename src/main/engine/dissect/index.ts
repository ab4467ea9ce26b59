/**
 * The application-layer protocol modules (SMTP, POP, IMF), in registration order. Adding a protocol =
 * writing one module file and adding it here.
 */
import type { ProtocolModule } from '../decode/protocol';
import { imf } from './imf';
import { pop } from './pop';
import { smtp } from './smtp';

/** dissectModules are the application protocols. */
export const dissectModules: ProtocolModule[] = [smtp, pop, imf];
