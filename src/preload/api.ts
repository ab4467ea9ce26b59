/**
 * Type of `window.wirelab`: exactly the contract's {@link Client} (every method of METHODS returning a
 * promise, plus `on(event, listener)` returning an unsubscribe function), nothing else. Kept free of
 * electron and Node imports so that the renderer's type world (tsconfig.web.json, through index.d.ts)
 * can see it.
 */
import type { Client } from '../shared/contract';

/** WirelabApi is what the renderer sees as `window.wirelab`. */
export type WirelabApi = Client;
