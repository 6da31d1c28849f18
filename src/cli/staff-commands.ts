import type { Command } from 'commander';
import type { Knex } from '../db/knex.js';
import type { Config } from '../config.js';
import { DomainError, ValidationError } from '../errors.js';
import { KnexRegionStore } from '../features/regions/regions-knex-store.js';
import { RegionService } from '../features/regions/regions-service.js';
import { KnexStaffStore } from '../features/staff/staff-knex-store.js';
import { staffDto } from '../features/staff/staff-routes.js';
import { createStaffBody, staffIdParams } from '../features/staff/staff-schemas.js';
import { StaffService } from '../features/staff/staff-service.js';
import type { StaffMember } from '../features/staff/staff-store.js';
import { readAll } from '../http/pagination.js';
import { parsePart } from '../http/validate.js';
import { CliError, withDatabase } from './cli-support.js';

const flagOf: Record<string, string> = { '/region_code': '--bureau', '/subject': '--subject', '/name': '--name', '/role': '--role', '/issuer': '--issuer', '/staffId': 'id' };

/** Runs `fn` with the staff service; a refusal becomes one line on stderr naming the flag, never a stack trace. */
function withStaff(fn: (staff: StaffService, config: Config) => Promise<unknown>): Promise<void> {
  return withDatabase(async (db: Knex, config: Config) => {
    const staff = new StaffService({ store: new KnexStaffStore(db), regions: new RegionService(new KnexRegionStore(db)), defaultIssuer: config.signIn.staff?.issuer });
    try {
      return await fn(staff, config);
    } catch (err) {
      if (err instanceof ValidationError) {
        throw new CliError(err.issues.map((i) => `${flagOf[i.pointer] ?? i.pointer}: ${i.detail}`).join('; ') + ` (${err.code})`);
      }
      if (err instanceof DomainError) throw new CliError(`${err.message} (${err.code})`);
      throw err;
    }
  });
}

const line = (m: StaffMember) => [m.id, m.role.padEnd(8), m.bureau.regionCode, m.bureau.name, m.name, m.subject, m.issuer].join('\t');

/** `zcd staff add|list|remove`: the staff registry, as the operator (any bureau). */
export function registerStaffCommands(program: Command): void {
  const staff = program.command('staff').description('bureau staff who sign in with a browser: who, which bureau, which role');
  staff
    .command('add')
    .description('register a person (their subject at the staff identity provider) for the bureau of a region; prints the registration')
    .requiredOption('--bureau <region>', 'the region code of the bureau, e.g. 150000')
    .requiredOption('--subject <sub>', 'the person\'s "sub" at the identity provider')
    .requiredOption('--name <name>', 'the person\'s name')
    .requiredOption('--role <role>', 'admin, reviewer or viewer')
    .option('--issuer <url>', 'the identity provider (default: STAFF_OIDC_ISSUER, or the sandbox provider)')
    .action((opts: { bureau: string; subject: string; name: string; role: string; issuer?: string }) =>
      withStaff(async (service) => {
        const body = parsePart(createStaffBody, {
          region_code: opts.bureau,
          subject: opts.subject,
          name: opts.name,
          role: opts.role,
          ...(opts.issuer === undefined ? {} : { issuer: opts.issuer }),
        }, 'body');
        return staffDto(await service.create(undefined, { regionCode: body.region_code, subject: body.subject, name: body.name, role: body.role, issuer: body.issuer }));
      }),
    );
  staff
    .command('list')
    .description('every registered member of staff (id, role, region, bureau, name, subject, issuer; tab-separated)')
    .option('--json', 'print JSON instead')
    .action((opts: { json?: boolean }) =>
      withStaff(async (service) => {
        const all = await readAll((after) => service.list(undefined, { afterId: after, limit: 500 }), (m) => m.id);
        if (opts.json) return all.map(staffDto);
        console.log(all.length ? all.map(line).join('\n') : 'no staff registered');
        return undefined;
      }),
    );
  staff
    .command('remove')
    .description('remove a member of staff (their sessions end at once)')
    .argument('<id>', 'the staff id, stf_…')
    .action((id: string) =>
      withStaff(async (service) => {
        const { staffId } = parsePart(staffIdParams, { staffId: id }, 'path');
        await service.remove(undefined, staffId);
        console.log(`removed ${staffId}`);
        return undefined;
      }),
    );
}
