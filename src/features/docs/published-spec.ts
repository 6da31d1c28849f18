import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { packageRoot } from '../../paths.js';

/** The published interface, read once. */
export interface PublishedSpec {
  yaml: string;
  json: string;
  document: Record<string, unknown>;
}

let cached: PublishedSpec | undefined;

/** Loads `api-spec/openapi.yaml` (once per process). */
export function publishedSpec(): PublishedSpec {
  if (!cached) {
    const yaml = readFileSync(join(packageRoot, 'api-spec', 'openapi.yaml'), 'utf8');
    const document = parse(yaml) as Record<string, unknown>;
    cached = { yaml, json: JSON.stringify(document), document };
  }
  return cached;
}
