// `npm run gen`: writes the completion scripts and the man page from the registry and the
// commander tree (src/gen). The outputs are committed; test/gen checks they are current.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateAll } from '../src/gen/index.js';
import { generatedFiles } from '../src/gen/files.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const files = generateAll(await generatedFiles());
for (const [rel, text] of Object.entries(files)) {
  const path = join(root, rel);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  console.error(`wrote ${rel} (${text.length} bytes)`);
}
