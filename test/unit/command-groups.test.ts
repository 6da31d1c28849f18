import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { commandGroups, registerCommands } from '../../src/cli/command-groups.js';

const topLevel = (p: Command) => p.commands.map((c) => c.name());

describe('zcd loads only the module of the command it runs', () => {
  it('each group registers exactly the commands it is listed under', async () => {
    for (const group of commandGroups) {
      const program = new Command();
      await group.register(program);
      expect(topLevel(program), group.names.join(', ')).toEqual(group.names);
    }
  });

  it('a command loads its own group alone; none, help or a typo load all, in the listed order', async () => {
    const one = new Command();
    await registerCommands(one, 'institutions');
    expect(topLevel(one)).toEqual(['bureaus', 'institutions']);
    const all = commandGroups.flatMap((g) => g.names);
    expect(new Set(all).size).toBe(all.length);
    for (const arg of [undefined, '--help', 'help', 'instituions']) {
      const program = new Command();
      await registerCommands(program, arg);
      expect(topLevel(program), String(arg)).toEqual(all);
    }
  });

  it('a command the program defines itself, and the version, load no group', async () => {
    for (const arg of ['serve', '-V', '--version']) {
      const program = new Command();
      program.command('serve');
      await registerCommands(program, arg);
      expect(topLevel(program), arg).toEqual(['serve']);
    }
  });
});
