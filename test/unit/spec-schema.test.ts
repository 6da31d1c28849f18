import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { components } from '../../src/generated/openapi.js';
import { specBody, specEnum, specPath, specQuery, specType, type SpecDrift } from '../../src/http/spec-schema.js';

type S = components['schemas'];

// These checks happen in tsc (`npm run typecheck` covers test/): every `@ts-expect-error` below must be an
// error, or tsc fails with "unused @ts-expect-error". The runtime assertions only show the helpers hand the
// schema back unchanged.

const review = { decision: z.enum(['approve', 'withdraw']), reason: z.string() };

describe('request schemas tied to the spec', () => {
  it('accept a schema that takes what the spec publishes, and return it unchanged', () => {
    const schema = z.strictObject(review);
    expect(specBody<'reviewProduct'>()(schema)).toBe(schema);
    const query = z.strictObject({ after: z.string().optional(), limit: z.coerce.number().default(100) });
    expect(specQuery<'listEvents'>()(query)).toBe(query);
    const path = z.object({ code: z.string() });
    expect(specPath<'getRegion'>()(path)).toBe(path);
    // A transformed field (a timestamp to epoch ms) is compared as the client sends it.
    const consent = z.strictObject({ parts: z.array(z.enum(['contract', 'acceptances', 'payments', 'risk_flags'])), expires_at: z.iso.datetime().transform(Date.parse) });
    expect(specType<S['ConsentInput']>()(consent)).toBe(consent);
  });

  it('fail tsc on every kind of drift', () => {
    // A field the spec does not have.
    // @ts-expect-error reviewProduct: note is in the schema, not in the spec
    specBody<'reviewProduct'>()(z.strictObject({ ...review, note: z.string().optional() }));
    // A field the spec has and the schema lacks, also an optional one.
    // @ts-expect-error reviewProduct: reason is in the spec, not in the schema
    specBody<'reviewProduct'>()(z.strictObject({ decision: review.decision }));
    // @ts-expect-error listEvents: limit is in the spec, not in the schema
    specQuery<'listEvents'>()(z.strictObject({ after: z.string().optional() }));
    // A required field made optional, and an optional one made required.
    // @ts-expect-error the schema lets through what the spec does not allow
    specBody<'reviewProduct'>()(z.strictObject({ ...review, reason: z.string().optional() }));
    // @ts-expect-error the spec allows a request the schema refuses by type
    specBody<'createRepayment'>()(z.strictObject({ amount: z.number(), repaid_on: z.string(), reference: z.string() }));
    // An enum value the spec has and the schema lacks, and one the spec does not have.
    // @ts-expect-error the spec allows a request the schema refuses by type
    specBody<'reviewProduct'>()(z.strictObject({ ...review, decision: z.enum(['approve']) }));
    // @ts-expect-error the schema lets through what the spec does not allow
    specBody<'reviewProduct'>()(z.strictObject({ ...review, decision: z.enum(['approve', 'withdraw', 'archive']) }));
    // Another type, and a drift deep inside a nested object of a union member.
    // @ts-expect-error the spec allows a request the schema refuses by type
    specPath<'getRegion'>()(z.object({ code: z.number() }));
    specBody<'decideApplication'>()(
      // @ts-expect-error decideApplication: collection_account.iban is in the schema, not in the spec
      z.discriminatedUnion('decision', [
        z.strictObject({
          decision: z.literal('approve'),
          amount: z.number(),
          annual_rate_bp: z.number(),
          term_days: z.number(),
          collection_account: z.strictObject({ bank_name: z.string(), account_name: z.string(), account_number: z.string(), iban: z.string().optional() }),
        }),
        z.strictObject({ decision: z.literal('reject'), reason_code: z.enum(['credit_insufficient', 'contract_risk', 'documents_incomplete', 'amount_exceeds_limit', 'supplier_risk', 'outside_policy', 'other']), reason_text: z.string().optional() }),
      ]),
    );
    // One schema for several operations must fit each of them.
    // @ts-expect-error listApplications: status is in the spec, not in the schema
    specQuery<'listProducts' | 'listApplications'>()(z.strictObject({ page_size: z.coerce.number().default(100), page_token: z.string().optional() }));
    expect(true).toBe(true);
  });

  it('name the drift in the error', () => {
    type Drift = SpecDrift<z.ZodObject<{ decision: z.ZodEnum<{ approve: 'approve'; withdraw: 'withdraw' }>; note: z.ZodString }, z.core.$strict>, S['ProductReview']>;
    const drift: Drift[] = ['reason is in the spec, not in the schema', 'note is in the schema, not in the spec'];
    expect(drift).toHaveLength(2);
  });

  it('list a spec enum once, complete and without strangers', () => {
    const categories = specEnum<S['ContractCategory']>()(['goods', 'services', 'works']);
    expect(z.enum(categories).options).toEqual(['goods', 'services', 'works']);
    // @ts-expect-error missing: "works"
    specEnum<S['ContractCategory']>()(['goods', 'services']);
    // @ts-expect-error "art" is not a ContractCategory
    specEnum<S['ContractCategory']>()(['goods', 'services', 'works', 'art']);
  });
});
