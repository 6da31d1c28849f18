import type { InstitutionStore } from '../institutions/institutions-store.js';
import type { InstitutionDirectory, InstitutionView } from './ports.js';

/** Financing's view of onboarded institutions: name, status and coverage. */
export class StoreInstitutionDirectory implements InstitutionDirectory {
  constructor(private readonly store: InstitutionStore) {}

  async get(id: string): Promise<InstitutionView | undefined> {
    const i = await this.store.get(id);
    return i && { id: i.clientId, name: i.name, status: i.status as InstitutionView['status'], coverage: i.regions };
  }

  async getMany(ids: readonly string[]): Promise<Map<string, InstitutionView>> {
    const out = new Map<string, InstitutionView>();
    for (const id of ids) {
      const v = await this.get(id);
      if (v) out.set(id, v);
    }
    return out;
  }
}
