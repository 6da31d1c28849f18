import type { Command } from 'commander';
import type { BureauPrincipal } from '../http/principal.js';
import type { BureauService } from '../features/bureaus/bureaus-service.js';
import { bureauDto } from '../features/bureaus/bureaus-routes.js';
import { institutionDto } from '../features/institutions/institutions-routes.js';
import { createOnboarding, OPERATOR_REGION, operatorBureau } from '../features/institutions/onboarding-module.js';
import type { Institution, InstitutionType } from '../features/institutions/institutions-store.js';

type InstitutionStatus = Institution['status'];
import { createInstitutionBody, institutionStatusBody } from '../features/institutions/institutions-schemas.js';
import { readAll } from '../http/pagination.js';
import { parsePart } from '../http/validate.js';
import { CliError, readJwksFile, withDatabase } from './cli-support.js';
import { printTable } from './table.js';

/** The 150000 bureau as a principal; it must have been created with `zcd bureaus create --region 150000`. */
async function cliBureau(bureaus: BureauService): Promise<BureauPrincipal> {
  const bureau = await operatorBureau(bureaus);
  if (!bureau) throw new CliError(`no bureau for ${OPERATOR_REGION} yet: run zcd bureaus create --region ${OPERATOR_REGION} --name NAME --jwks FILE first`);
  return bureau;
}

/**
 * The operator reading at the command line: the whole autonomous region, whether or not its bureau is registered
 * yet (bureaus of other regions may be). Reads only; every change goes through {@link cliBureau}.
 */
const OPERATOR_READER: BureauPrincipal = { kind: 'bureau', clientId: 'zcd', bureauId: 'zcd', regionCode: OPERATOR_REGION, scopes: ['admin'], role: 'viewer' };

const CLIENT_STATUSES = ['active', 'suspended', 'revoked'];

/** `zcd bureaus create|list`, `zcd institutions onboard|list|set-status`. */
export function registerInstitutionsCommands(program: Command): void {
  const bureaus = program.command('bureaus').description('finance bureaus');
  bureaus
    .command('list')
    .description('every registered bureau: region, name, client id (a table; --json for scripts)')
    .option('--json', 'print JSON instead')
    .action((opts: { json?: boolean }) =>
      withDatabase(async (db, config) => {
        const s = createOnboarding(db, { config });
        const list = await readAll((after) => s.bureaus.list(OPERATOR_READER, { afterClientId: after, limit: 500 }), (b) => b.clientId);
        list.sort((a, b) => (a.regionCode < b.regionCode ? -1 : a.regionCode > b.regionCode ? 1 : 0));
        if (opts.json) return list.map(bureauDto);
        printTable(
          ['region', 'name', 'client_id', 'registered'],
          list.map((b) => [b.regionCode, b.name, b.clientId, new Date(b.createdAt).toISOString().slice(0, 10)]),
          'no bureaus registered: zcd bureaus create --region 150000 --name NAME --jwks FILE',
        );
        return undefined;
      }),
    );
  bureaus
    .command('create')
    .description('register a finance bureau for a region (the first one: --region 150000); prints its client_id')
    .requiredOption('--region <code>', 'GB/T 2260 region code')
    .requiredOption('--name <name>', 'the bureau name, e.g. 内蒙古自治区财政厅')
    .requiredOption('--jwks <file>', 'its public JWKS (from zcd keys generate)')
    .action((opts: { region: string; name: string; jwks: string }) =>
      withDatabase(async (db, config) => {
        const jwks = readJwksFile(opts.jwks);
        return bureauDto(await createOnboarding(db, { config }).bureaus.create(undefined, { regionCode: opts.region, name: opts.name, jwks }));
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
        const s = createOnboarding(db, { config });
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
    .command('list')
    .description('every financial institution: name, status, type, regions, client id (a table; --json for scripts)')
    .option('--status <status>', 'only those active, suspended or revoked')
    .option('--json', 'print JSON instead')
    .action((opts: { status?: string; json?: boolean }) =>
      withDatabase(async (db, config) => {
        if (opts.status !== undefined && !CLIENT_STATUSES.includes(opts.status)) {
          throw new CliError(`--status must be active, suspended or revoked, not ${JSON.stringify(opts.status)}`);
        }
        const status = opts.status as InstitutionStatus | undefined;
        const s = createOnboarding(db, { config });
        const list = await readAll((after) => s.institutions.list(OPERATOR_READER, { status, afterClientId: after, limit: 500 }), (i) => i.clientId);
        if (opts.json) return list.map(institutionDto);
        printTable(
          ['name', 'status', 'type', 'regions', 'client_id'],
          list.map((i) => [i.name, i.status, i.type, i.regions.join(','), i.clientId]),
          opts.status ? `no ${opts.status} institutions` : 'no institutions onboarded: zcd institutions onboard --help',
        );
        return undefined;
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
        const s = createOnboarding(db, { config });
        return institutionDto(await s.institutions.setStatus(await cliBureau(s.bureaus), clientId, body.status, body.reason));
      }),
    );
}
