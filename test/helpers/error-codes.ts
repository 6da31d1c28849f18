import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Classes whose instances the error middleware answers with their `code` (problem+json or OAuth error). */
const answering = [
  'DomainError', 'ValidationError', 'NotFoundError', 'ConflictError', 'ForbiddenError', 'BusinessRuleError',
  'OutsideRegionError', 'NoSessionError', 'NotificationSignatureError',
  'NotificationUnverifiableError', 'DatabaseBusyError', 'OAuthError', 'SignInError',
];

const code = "'([a-z][a-z0-9_]*)'";
const patterns = [
  // new NotFoundError('contract_not_found', …), new DomainError(429, 'rate_limited', …)
  new RegExp(`new (?:${answering.join('|')})\\(\\s*(?:\\d{3},\\s*)?${code}`, 'g'),
  // super(503, 'database_busy', …) inside a subclass
  new RegExp(`super\\(\\s*\\d{3},\\s*${code}`, 'g'),
  // problem(404, 'route_not_found', …) and tables of [status, code, detail]
  new RegExp(`problem\\(\\s*\\d{3},\\s*${code}`, 'g'),
  new RegExp(`\\[\\s*\\d{3},\\s*${code}`, 'g'),
  // unauthorized('DPoP', 'invalid_dpop_proof', …): the RFC 6750 / RFC 9449 refusals
  new RegExp(`unauthorized\\([^,()]+,\\s*${code}`, 'g'),
  // constructor(code = 'not_found', …): a class's default code
  new RegExp(`constructor\\(\\s*code = ${code}`, 'g'),
];

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'web' && entry.name !== 'generated') out.push(...sources(path));
    } else if (entry.name.endsWith('.ts')) out.push(path);
  }
  return out;
}

/** Every error `code` the gateway's sources can answer with, and the files that emit it. */
export function emittedErrorCodes(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const file of sources(join(repoRoot, 'src'))) {
    const text = readFileSync(file, 'utf8');
    for (const re of patterns) {
      for (const m of text.matchAll(re)) {
        const files = found.get(m[1]!) ?? [];
        const rel = file.slice(repoRoot.length);
        if (!files.includes(rel)) files.push(rel);
        found.set(m[1]!, files);
      }
    }
  }
  return found;
}
