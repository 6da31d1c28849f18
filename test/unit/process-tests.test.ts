import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli.js';
import { processTests } from '../process-tests.js';

/** A test file starts processes when it spawns `zcd` through the helpers or child_process itself. */
const SPAWNS = /\b(?:spawnZcd|runZcd)\(|from 'node:child_process'/;

function testFiles(dir: string): string[] {
  return readdirSync(join(repoRoot, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.test.ts'))
    .map((e) => relative(repoRoot, join(e.parentPath, e.name)));
}

const matcher = (glob: string) => new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}$`);

describe('test files that start zcd processes run in the processes group', () => {
  it('every test file that spawns a process is listed in test/process-tests.ts, and every entry names a file', () => {
    // The browser tests have a command of their own and always start the gateway; this file names the pattern.
    const files = [...testFiles('test'), ...testFiles('clients/typescript/test')].filter((f) => !f.startsWith('test/browser/') && f !== 'test/unit/process-tests.test.ts');
    const listed = (f: string) => processTests.some((g) => matcher(g).test(f));
    const spawning = files.filter((f) => SPAWNS.test(readFileSync(join(repoRoot, f), 'utf8')));
    expect(spawning.length).toBeGreaterThan(10);
    expect(spawning.filter((f) => !listed(f))).toEqual([]);
    for (const g of processTests) expect(files.some((f) => matcher(g).test(f)), g).toBe(true);
  });
});
