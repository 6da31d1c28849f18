import type { Command } from 'commander';
import { configOrExit } from './config-or-exit.js';

/** Top-level commands that one module registers; the module is loaded only when one of them is run. */
export interface CommandGroup {
  names: readonly string[];
  register(program: Command): Promise<void>;
}

/**
 * Every command group of `zcd` besides `serve` and `migrate`, in the order `zcd --help` lists them.
 *
 * Each `zcd` is a process of its own that runs one command, and most commands need the database layer but
 * not the rest: loading only the module of the command being run halves the start of a `zcd bureaus list`.
 */
export const commandGroups: readonly CommandGroup[] = [
  { names: ['audit'], register: async (p) => (await import('./audit-commands.js')).registerAuditCommands(p) },
  { names: ['keys'], register: async (p) => (await import('./keys-commands.js')).registerKeysCommands(p) },
  { names: ['bureaus', 'institutions'], register: async (p) => (await import('./institutions-commands.js')).registerInstitutionsCommands(p) },
  { names: ['sync'], register: async (p) => (await import('./sync-commands.js')).registerSyncCommands(p, { configOrExit }) },
  { names: ['seed', 'sandbox'], register: async (p) => (await import('./sandbox-commands.js')).registerSandboxCommands(p, { configOrExit }) },
  { names: ['bench'], register: async (p) => (await import('./bench-commands.js')).registerBenchCommands(p) },
  { names: ['report'], register: async (p) => (await import('./report-commands.js')).registerReportCommands(p) },
  { names: ['deliver', 'webhooks', 'demo'], register: async (p) => (await import('./events-commands.js')).registerEventsCommands(p, { configOrExit }) },
  { names: ['staff'], register: async (p) => (await import('./staff-commands.js')).registerStaffCommands(p) },
  { names: ['token'], register: async (p) => (await import('./token-command.js')).registerTokenCommand(p) },
  { names: ['bank-sim', 'conformance'], register: async (p) => (await import('./bank-commands.js')).registerBankCommands(p) },
];

/** First arguments that need no group: the version flags. */
const NO_GROUP = new Set(['-V', '--version']);

/**
 * Registers the group that owns `command`; none for a command `program` already has (`serve`, `migrate`) or
 * the version; every group otherwise — no command, `--help`, `help`, a mistyped name — so that help lists
 * everything and commander can suggest the command that was meant.
 */
export async function registerCommands(program: Command, command: string | undefined): Promise<void> {
  if (command !== undefined && (NO_GROUP.has(command) || program.commands.some((c) => c.name() === command))) return;
  const own = command === undefined ? undefined : commandGroups.find((g) => g.names.includes(command));
  for (const group of own ? [own] : commandGroups) await group.register(program);
}
