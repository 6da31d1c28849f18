import type { ContractCategory } from '../financing/financing-store.js';
import type { InstitutionType } from '../institutions/institutions-store.js';
import type { ProductTerms } from '../financing/products-service.js';

/** An active institution as the public sees it. */
export interface PublicInstitution {
  id: string;
  name: string;
  type: InstitutionType;
  coverage: string[];
}

/** An approved product of an active institution as the public sees it: its terms and who offers it. */
export interface PublicProduct extends ProductTerms {
  id: string;
  institutionId: string;
  institutionName: string;
}

/** What the public catalogue reads. Only active institutions and approved products ever leave it. */
export interface PublicCatalogueStore {
  /** Active institutions by id after `afterId`, covering one of `regions` when given. */
  institutions(q: { regions?: readonly string[]; afterId?: string; limit: number }): Promise<PublicInstitution[]>;
  /** Approved products of active institutions by id after `afterId`. */
  products(q: {
    institutionIds?: readonly string[];
    regions?: readonly string[];
    category?: ContractCategory;
    afterId?: string;
    limit?: number;
  }): Promise<PublicProduct[]>;
}
