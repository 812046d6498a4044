/** Interactive flows: server choice, broadcast confirmation, config init wizard. */
import type { Context } from '../context.js';
export async function runWizard(_ctx: Context): Promise<void> {}
