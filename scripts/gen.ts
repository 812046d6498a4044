// `npm run gen`: writes the completion scripts, the man page and the README's command table
// from the registry and the commander tree (src/gen). The outputs are committed; test/gen checks they are current.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateAll } from '../src/gen/index.js';
import { generatedFiles } from '../src/gen/files.js';
import { spliceCommandsTable } from '../src/gen/readme.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const files = generateAll(await generatedFiles());
for (const [rel, text] of Object.entries(files)) {
  const path = join(root, rel);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  console.error(`wrote ${rel} (${text.length} bytes)`);
}
const readme = join(root, 'README.md');
writeFileSync(readme, spliceCommandsTable(readFileSync(readme, 'utf8')));
console.error('wrote the command table of README.md');
