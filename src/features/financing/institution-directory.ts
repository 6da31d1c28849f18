import type { Institution, InstitutionStore } from '../institutions/institutions-store.js';
import type { InstitutionDirectory, InstitutionView } from './ports.js';

const view = (i: Institution): InstitutionView => ({
  id: i.clientId,
  name: i.name,
  status: i.status as InstitutionView['status'],
  coverage: i.regions,
});

/** Financing's view of onboarded institutions: name, status and coverage. */
export class StoreInstitutionDirectory implements InstitutionDirectory {
  constructor(private readonly store: InstitutionStore) {}

  async get(id: string): Promise<InstitutionView | undefined> {
    const i = await this.store.get(id);
    return i && view(i);
  }

  async getMany(ids: readonly string[]): Promise<Map<string, InstitutionView>> {
    return new Map((await this.store.getMany(ids)).map((i) => [i.clientId, view(i)]));
  }
}
