/**
 * Type of `window.wirelab`, kept free of electron and Node imports so that the renderer's type world
 * (tsconfig.web.json, through index.d.ts) can see it.
 * TODO(contract): derive this from the typed contract in src/shared once it exists.
 */

/** WirelabApi is what the renderer sees as `window.wirelab`. */
export interface WirelabApi {
  /** version is the app version the preload was built with. */
  readonly version: string;
}
