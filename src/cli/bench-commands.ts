import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { packageRoot } from '../paths.js';

/** `zcd bench`: runs the performance harness (bench/run.ts under tsx) with the options given; see `npm run bench -- --help`. */
export function registerBenchCommands(program: Command): void {
  program
    .command('bench')
    .description('measure the gateway against reference servers (needs a source checkout with dev dependencies)')
    .allowUnknownOption()
    .helpOption(false)
    .argument('[options...]', 'passed to the harness, e.g. --db postgres, --s5, --duration 10, --help')
    .action((args: string[]) => {
      const script = join(packageRoot, 'bench', 'run.ts');
      const tsx = join(packageRoot, 'node_modules', 'tsx', 'dist', 'cli.mjs');
      if (!existsSync(script) || !existsSync(tsx)) {
        process.stderr.write('zcd: bench needs the source checkout with dev dependencies (npm ci); bench/run.ts or tsx not found\n');
        process.exitCode = 1;
        return;
      }
      const child = spawn(process.execPath, [tsx, script, ...args], { cwd: packageRoot, stdio: 'inherit' });
      const forward = (signal: NodeJS.Signals) => child.kill(signal);
      process.once('SIGINT', forward);
      process.once('SIGTERM', forward);
      child.once('exit', (code, signal) => {
        process.exitCode = code ?? (signal ? 1 : 0);
      });
    });
}
