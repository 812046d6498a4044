/**
 * cli-table3 and its colour library, loaded on the first boxed table (format/table.ts): a
 * pipe's tab-separated rows never load them. CommonJS on purpose, so that the `require` stays
 * synchronous and lazy both when run from source and in the bundle (scripts/build.mjs bundles
 * both packages; esbuild turns each `require` below into a call that evaluates the bundled
 * copy then, not when this file loads).
 */
import type TableT = require('cli-table3');
import type ColorsT = require('@colors/colors/safe.js');

let loaded: { Table: typeof TableT; colors: typeof ColorsT } | undefined;

/** cli-table3 and the one @colors/colors instance it styles cells with. */
export function box(): { Table: typeof TableT; colors: typeof ColorsT } {
  loaded ??= { Table: require('cli-table3') as typeof TableT, colors: require('@colors/colors/safe.js') as typeof ColorsT };
  return loaded;
}
