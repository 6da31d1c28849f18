import { parseArgs } from 'node:util';

/** What one bench run is asked to do. */
export interface BenchOptions {
  /** The database the gateway (and R1) run on. */
  db: 'sqlite' | 'postgres';
  /** PostgreSQL server the throwaway database is created on (`--db postgres`). */
  pgUrl: string;
  /** Measured seconds per HTTP scenario. */
  durationS: number;
  /** Unmeasured seconds of load before each measurement. */
  warmupS: number;
  /** Concurrent connections of the load generator. */
  connections: number;
  /** Run S5 (`zcd seed --contracts N && zcd sync`); long. */
  s5: boolean;
  /** Contracts S5 seeds. */
  s5Contracts: number;
  /** Scenario ids to run (all when empty). */
  only: string[];
  /** Skip `npm run build` (dist/ must be current). */
  build: boolean;
  /** Run the gateway under `node --cpu-prof` and summarise the profile. */
  cpuProf: boolean;
}

/** The usage text of `npm run bench -- --help`. */
export const USAGE = `usage: npm run bench -- [options]   (or: zcd bench [options])

  --db sqlite|postgres   database of the gateway and R1 (default sqlite)
  --pg-url URL           PostgreSQL server for --db postgres (default postgres://postgres@127.0.0.1:5432)
  --duration S           measured seconds per scenario (default 10)
  --warmup S             warm-up seconds per scenario (default 3)
  --connections N        concurrent connections (default 50)
  --s5                   also run S5: zcd seed --contracts N && zcd sync (long)
  --s5-contracts N       contracts S5 seeds (default 1000000)
  --only IDS             comma-separated scenario ids, e.g. R0,R1,S2
  --no-build             do not run npm run build first
  --cpu-prof             run the gateway under node --cpu-prof; profile and summary in bench/results/
`;

/** Parses the harness's command line; throws with a message on a bad value. */
export function parseOptions(argv: string[]): BenchOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      db: { type: 'string', default: 'sqlite' },
      'pg-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432' },
      duration: { type: 'string', default: '10' },
      warmup: { type: 'string', default: '3' },
      connections: { type: 'string', default: '50' },
      s5: { type: 'boolean', default: false },
      's5-contracts': { type: 'string', default: '1000000' },
      only: { type: 'string', default: '' },
      'no-build': { type: 'boolean', default: false },
      'cpu-prof': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) return 'help';
  if (values.db !== 'sqlite' && values.db !== 'postgres') throw new Error('--db must be sqlite or postgres');
  const int = (name: string, v: string, min: number) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min}`);
    return n;
  };
  return {
    db: values.db,
    pgUrl: values['pg-url'].replace(/\/+$/, ''),
    durationS: int('duration', values.duration, 1),
    warmupS: int('warmup', values.warmup, 0),
    connections: int('connections', values.connections, 1),
    s5: values.s5,
    s5Contracts: int('s5-contracts', values['s5-contracts'], 1),
    only: values.only.split(',').map((s) => s.trim().toUpperCase()).filter(Boolean),
    build: !values['no-build'],
    cpuProf: values['cpu-prof'],
  };
}
