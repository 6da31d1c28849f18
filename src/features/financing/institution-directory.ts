import type { InstitutionStore } from '../institutions/institutions-store.js';
import type { InstitutionDirectory, InstitutionSummary, InstitutionView } from './ports.js';

/** Financing's view of onboarded institutions, read from onboarding's store: name, status and coverage. */
export class StoreInstitutionDirectory implements InstitutionDirectory {
  constructor(private readonly store: Pick<InstitutionStore, 'get' | 'summaries'>) {}

  async get(id: string): Promise<InstitutionView | undefined> {
    const i = await this.store.get(id);
    return i && { id: i.clientId, name: i.name, status: i.status, coverage: i.regions };
  }

  async summaries(ids: readonly string[]): Promise<Map<string, InstitutionSummary>> {
    if (ids.length === 0) return new Map();
    return new Map((await this.store.summaries(ids)).map((s) => [s.clientId, { id: s.clientId, name: s.name, status: s.status }]));
  }
}
