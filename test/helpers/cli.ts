import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';

/** The repository root. */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Children still running; a test that fails before it stops its `zcd serve` must not leave it behind. */
const running = new Set<ChildProcess>();
// Registered when a test file imports this helper, so it runs after that file's tests.
afterAll(() => {
  for (const child of running) child.kill('SIGKILL');
});

/** Starts the `zcd` command from source in a child process; it is killed after the test file if still running. */
export function spawnZcd(args: string[], env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, ['--conditions=zcd-source', '--import', 'tsx', 'src/cli/zcd.ts', ...args], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  return child;
}

/** Runs `zcd` to completion; resolves with its exit code and output. */
export function runZcd(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  const child = spawnZcd(args, env);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr })));
}

/** Waits until the child prints a line matching `pattern`; resolves with the match. */
export function waitForLine(child: ChildProcess, pattern: RegExp, timeoutMs = 15_000): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${pattern}; saw: ${buffer.slice(-2000)}`)), timeoutMs);
    const onData = (d: Buffer) => {
      buffer += d.toString();
      const m = buffer.match(pattern);
      if (m) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        resolve(m);
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before ${pattern}; saw: ${buffer.slice(-2000)}`));
    });
  });
}
