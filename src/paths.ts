import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(start: string): string {
  let dir = start;
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'api-spec'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the zcd-gateway package root');
    dir = up;
  }
  return dir;
}

/** The package root, whether running from src/ or dist/src/. */
export const packageRoot = findRoot(dirname(fileURLToPath(import.meta.url)));
