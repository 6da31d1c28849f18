import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli.js';
import { freshDatabase, testDatabaseKind, type TestDatabase } from '../helpers/db.js';

/**
 * The README's shell blocks marked ```` ```sh runnable ````, run as written, in order, in one directory on one
 * fresh database — as a person pastes them after `npm install`. `npx zcd` there is this checkout's `zcd`, from
 * source, so the blocks test the code beside them rather than the last build.
 */
const blocks = [...readFileSync(join(repoRoot, 'README.md'), 'utf8').matchAll(/^```sh runnable\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);

let fresh: TestDatabase;
let dir: string;
beforeAll(async () => {
  fresh = await freshDatabase();
  dir = mkdtempSync(join(tmpdir(), 'zcd-readme-'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'readme-blocks', private: true }));
  mkdirSync(join(dir, 'node_modules', '.bin'), { recursive: true });
  const zcd = join(dir, 'node_modules', '.bin', 'zcd');
  writeFileSync(zcd, `#!/bin/sh\nexec "${process.execPath}" --conditions=zcd-source --import "${join(repoRoot, 'node_modules', 'tsx', 'dist', 'loader.mjs')}" "${join(repoRoot, 'src', 'cli', 'zcd.ts')}" "$@"\n`);
  chmodSync(zcd, 0o755);
});
afterAll(async () => {
  await fresh?.dispose();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function bash(script: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn('bash', ['-euo', 'pipefail', '-c', script], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? dir, DATABASE_URL: fresh.url, ISSUER_URL: 'http://localhost:8080', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
}

describe(`the README's runnable blocks, pasted as written, on ${testDatabaseKind}`, () => {
  it('has the blocks a newcomer pastes first: onboarding, staff and the sandbox', () => {
    expect(blocks.map((b) => b.split('\n')[0])).toEqual([
      expect.stringMatching(/^npx zcd keys generate /),
      expect.stringMatching(/^# --issuer/),
      expect.stringMatching(/^npx zcd seed /),
    ]);
  });

  it('runs each one in order without an error', async () => {
    for (const [n, block] of blocks.entries()) {
      const r = await bash(block);
      expect(r.code, `README block ${n + 1}:\n${block}\n${r.stderr}`).toBe(0);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    // What a person would look at afterwards: the bank is onboarded and active again, the key files are there.
    const onboarded = JSON.parse(readFileSync(join(dir, 'keys', 'bank', 'onboarded.json'), 'utf8')) as { client_id: string; webhook_secret: string };
    expect(onboarded.client_id).toMatch(/^ins_/);
    const list = await bash('npx zcd institutions list --json');
    expect(JSON.parse(list.stdout)).toEqual([expect.objectContaining({ client_id: onboarded.client_id, status: 'active' })]);
    const staff = await bash('npx zcd staff list --json');
    expect(JSON.parse(staff.stdout)).toEqual([]);
    const status = JSON.parse((await bash('npx zcd sandbox status')).stdout) as { contracts: number };
    expect(status.contracts).toBe(2000);
  }, 240_000);
});
