import { join } from 'node:path';
import { runCommand } from './processes.js';

/** The compiled `zcd` command, run against one database. */
export class ZcdCli {
  private helpCache = new Map<string, Set<string>>();

  constructor(
    private readonly root: string,
    /** Environment for every invocation (DATABASE_URL, LOG_LEVEL, …). */
    readonly env: Record<string, string>,
  ) {}

  /** The script the harness runs: dist/src/cli/zcd.js. */
  get script(): string {
    return join(this.root, 'dist', 'src', 'cli', 'zcd.js');
  }

  /** Runs `zcd …args`; resolves whatever the exit code. */
  run(args: string[], o: { inherit?: boolean } = {}) {
    return runCommand(process.execPath, [this.script, ...args], { cwd: this.root, env: this.env, ...o });
  }

  /** Runs `zcd …args` and parses its JSON output; throws with stderr on a non-zero exit. */
  async json<T = Record<string, unknown>>(args: string[]): Promise<T> {
    const r = await this.run(args);
    if (r.code !== 0) throw new Error(`zcd ${args.join(' ')} failed (${r.code}): ${r.stderr || r.stdout}`);
    return JSON.parse(r.stdout) as T;
  }

  /** The subcommands commander lists under `zcd …parent --help`. */
  async subcommands(parent: string[] = []): Promise<Set<string>> {
    const key = parent.join(' ');
    const cached = this.helpCache.get(key);
    if (cached) return cached;
    const r = await this.run([...parent, '--help']);
    const names = new Set<string>();
    const section = /(?:^|\n)Commands:\n([\s\S]*)$/.exec(r.stdout)?.[1] ?? '';
    for (const line of section.split('\n')) {
      const m = /^ {2}([a-z][\w-]*)/.exec(line);
      if (m) names.add(m[1]!);
    }
    this.helpCache.set(key, names);
    return names;
  }

  /** True when `zcd <path…>` exists in this build, e.g. `has('sandbox', 'supplier-token')`. */
  async has(...path: string[]): Promise<boolean> {
    for (let i = 0; i < path.length; i++) {
      if (!(await this.subcommands(path.slice(0, i))).has(path[i]!)) return false;
    }
    return true;
  }
}
