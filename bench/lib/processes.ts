import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** A server the harness started as its own process. */
export interface ServerProcess {
  name: string;
  pid: number;
  /** Base URL, e.g. `http://127.0.0.1:40123`. */
  url: string;
  port: number;
  /** The last lines it wrote, for diagnostics. */
  output(): string;
  /** Its exit code once it has exited (-1 for a signal), undefined while it runs. */
  exitCode(): number | null | undefined;
  /** SIGTERM, then SIGKILL after a grace period; resolves when it has exited. */
  stop(): Promise<void>;
}

/** A TCP port nobody listens on right now (loopback). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function keepTail(child: ChildProcess): () => string {
  let tail = '';
  const take = (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-8_000);
  };
  child.stdout?.on('data', take);
  child.stderr?.on('data', take);
  return () => tail;
}

/**
 * Starts `node <args>` with `env` on a free port (passed as PORT) and waits until
 * `GET <readyPath>` answers 200; fails with the process's output if it exits or takes too long.
 */
export async function startServer(o: {
  name: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
  port?: number;
  readyPath: string;
  timeoutMs?: number;
}): Promise<ServerProcess> {
  const port = o.port ?? (await freePort());
  const child = spawn(process.execPath, o.args, {
    cwd: o.cwd,
    env: { ...process.env, ...o.env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = keepTail(child);
  let exitCode: number | null | undefined;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exitCode = code ?? (signal ? -1 : null);
      resolve();
    }),
  );
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (o.timeoutMs ?? 30_000);
  for (;;) {
    if (exitCode !== undefined) throw new Error(`${o.name} exited (${exitCode}) before it was ready:\n${output()}`);
    try {
      const res = await fetch(url + o.readyPath, { signal: AbortSignal.timeout(1_000) });
      await res.arrayBuffer();
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${o.name} was not ready within ${o.timeoutMs ?? 30_000} ms:\n${output()}`);
    }
    await sleep(100);
  }
  return {
    name: o.name,
    pid: child.pid!,
    url,
    port,
    output,
    exitCode: () => exitCode,
    stop: async () => {
      if (exitCode !== undefined) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

/** Runs a command to completion, collecting its output. */
export function runCommand(
  command: string,
  args: string[],
  o: { cwd: string; env?: Record<string, string>; inherit?: boolean },
): Promise<{ code: number; stdout: string; stderr: string; ms: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: o.cwd,
      env: { ...process.env, ...o.env },
      stdio: ['ignore', o.inherit ? 'inherit' : 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr?.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.once('error', reject);
    child.once('exit', (code, signal) =>
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr, ms: performance.now() - started }),
    );
  });
}
