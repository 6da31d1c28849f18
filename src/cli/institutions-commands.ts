import type { Command } from 'commander';
import type { Knex } from 'knex';
import type { Config } from '../config.js';
import type { BureauPrincipal } from '../http/principal.js';
import { BureauService } from '../features/bureaus/bureaus-service.js';
import { KnexBureauStore } from '../features/bureaus/bureaus-knex-store.js';
import { bureauDto } from '../features/bureaus/bureaus-routes.js';
import { InstitutionService } from '../features/institutions/institutions-service.js';
import { KnexInstitutionStore } from '../features/institutions/institutions-knex-store.js';
import { institutionDto } from '../features/institutions/institutions-routes.js';
import type { InstitutionType } from '../features/institutions/institutions-store.js';
import { KnexRegionStore } from '../features/regions/regions-knex-store.js';
import { RegionService } from '../features/regions/regions-service.js';
import { createInstitutionBody, institutionStatusBody } from '../features/institutions/institutions-schemas.js';
import { parsePart } from '../http/validate.js';
import { CliError, readJwksFile, withDatabase } from './cli-support.js';

/** The region the CLI acts for: the autonomous region's bureau. */
export const CLI_REGION = '150000';

function services(db: Knex, config: Config) {
  const deps = { regions: new RegionService(new KnexRegionStore(db)), config };
  return {
    bureaus: new BureauService({ ...deps, store: new KnexBureauStore(db) }),
    institutions: new InstitutionService({ ...deps, store: new KnexInstitutionStore(db) }),
  };
}

/** The 150000 bureau as a principal; it must have been created with `zcd bureaus create --region 150000`. */
async function cliBureau(bureaus: BureauService): Promise<BureauPrincipal> {
  const bureau = await bureaus.byRegion(CLI_REGION);
  if (!bureau) throw new CliError(`no bureau for ${CLI_REGION} yet: run zcd bureaus create --region ${CLI_REGION} --name NAME --jwks FILE first`);
  return { kind: 'bureau', clientId: bureau.clientId, bureauId: bureau.clientId, regionCode: bureau.regionCode, scopes: ['admin'], role: 'admin' };
}

/** `zcd bureaus create`, `zcd institutions onboard` and `zcd institutions set-status`. */
export function registerInstitutionsCommands(program: Command): void {
  program
    .command('bureaus')
    .description('finance bureaus')
    .command('create')
    .description('register a finance bureau for a region (the first one: --region 150000); prints its client_id')
    .requiredOption('--region <code>', 'GB/T 2260 region code')
    .requiredOption('--name <name>', 'the bureau name, e.g. 内蒙古自治区财政厅')
    .requiredOption('--jwks <file>', 'its public JWKS (from zcd keys generate)')
    .action((opts: { region: string; name: string; jwks: string }) =>
      withDatabase(async (db, config) => {
        const jwks = readJwksFile(opts.jwks);
        return bureauDto(await services(db, config).bureaus.create(undefined, { regionCode: opts.region, name: opts.name, jwks }));
      }),
    );

  const institutions = program.command('institutions').description('financial institutions (acting as the 150000 bureau)');
  institutions
    .command('onboard')
    .description('register and activate an institution; prints its client_id and its webhook secret (shown once)')
    .requiredOption('--name <name>', 'institution name')
    .requiredOption('--uscc <uscc>', '统一社会信用代码')
    .requiredOption('--license-no <no>', '金融许可证 number')
    .requiredOption('--regions <codes>', 'comma-separated coverage regions, e.g. 150000 or 150100,150200')
    .requiredOption('--jwks <file>', 'its public JWKS (from zcd keys generate)')
    .option('--type <type>', 'bank, guarantee or other', 'bank')
    .option('--webhook-url <url>', 'where its webhooks go')
    .option('--no-dpop', 'do not require DPoP-bound tokens')
    .action((opts: { name: string; uscc: string; licenseNo: string; regions: string; jwks: string; type: string; webhookUrl?: string; dpop: boolean }) =>
      withDatabase(async (db, config) => {
        const body = parsePart(createInstitutionBody, {
          name: opts.name,
          uscc: opts.uscc,
          license_no: opts.licenseNo,
          type: opts.type,
          regions: opts.regions.split(',').map((r) => r.trim()).filter(Boolean),
          jwks: readJwksFile(opts.jwks),
          ...(opts.webhookUrl ? { webhook_url: opts.webhookUrl } : {}),
          dpop_required: opts.dpop,
        }, 'body');
        const s = services(db, config);
        const { institution, webhookSecret } = await s.institutions.create(await cliBureau(s.bureaus), {
          name: body.name,
          uscc: body.uscc,
          licenseNo: body.license_no,
          type: body.type as InstitutionType,
          regions: body.regions,
          jwks: body.jwks,
          webhookUrl: body.webhook_url,
          dpopRequired: body.dpop_required,
        }, true);
        return { ...institutionDto(institution), webhook_secret: webhookSecret };
      }),
    );
  institutions
    .command('set-status')
    .description('activate, suspend or revoke an institution, with a reason')
    .argument('<client_id>', "the institution's client id")
    .argument('<status>', 'active, suspended or revoked')
    .requiredOption('--reason <reason>', 'why')
    .action((clientId: string, status: string, opts: { reason: string }) =>
      withDatabase(async (db, config) => {
        const body = parsePart(institutionStatusBody, { status, reason: opts.reason }, 'body');
        const s = services(db, config);
        return institutionDto(await s.institutions.setStatus(await cliBureau(s.bureaus), clientId, body.status, body.reason));
      }),
    );
}
