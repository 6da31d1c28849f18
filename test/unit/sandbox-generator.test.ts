import { describe, expect, it } from 'vitest';
import {
  contractAt,
  generateContract,
  sandboxContractIndex,
  sandboxContractNo,
  sandboxSupplier,
  sandboxSupplierIndex,
  SANDBOX_EPOCH_MS,
} from '../../adapters/sandbox/generator.js';
import { isValidUscc } from '../../src/domain/uscc.js';
import { innerMongoliaRegions } from '../../seeds/regions.js';

const sample = Array.from({ length: 3000 }, (_, i) => generateContract(i));

describe('sandbox data', () => {
  it('is the same for the same index, always', () => {
    expect(generateContract(1234)).toEqual(generateContract(1234));
    expect(generateContract(1234)).not.toEqual(generateContract(1235));
  });

  it('uses real Inner Mongolia region codes below the region level, across leagues and counties', () => {
    const codes = new Map(innerMongoliaRegions().map((r) => [r.code, r.level]));
    const levels = new Set(sample.map((g) => codes.get(g.contract.purchaser.regionCode)));
    expect(levels).toEqual(new Set(['league', 'county']));
    const leagues = new Set(sample.map((g) => g.contract.purchaser.regionCode.slice(0, 4)));
    expect(leagues.size).toBe(12);
  });

  it('gives suppliers valid USCCs, mostly SMEs, and reads the supplier back from its USCC', () => {
    for (const g of sample) expect(isValidUscc(g.contract.supplier.uscc)).toBe(true);
    const sme = sample.filter((g) => g.contract.supplier.sme).length / sample.length;
    expect(sme).toBeGreaterThan(0.75);
    expect(sme).toBeLessThan(1);
    const s = sandboxSupplier(42);
    expect(sandboxSupplierIndex(s.uscc)).toBe(42);
    expect(sandboxSupplierIndex('91150100MA0N0AAA0B')).toBeUndefined();
    expect(sandboxContractIndex(sandboxContractNo(77))).toBe(77);
  });

  it('keeps amounts in integer fen from 5万 to 2000万 yuan, with all three categories and a few terminations and risk flags', () => {
    for (const g of sample) {
      expect(Number.isInteger(g.contract.amountFen)).toBe(true);
      expect(g.contract.amountFen).toBeGreaterThanOrEqual(5_000_000);
      expect(g.contract.amountFen).toBeLessThanOrEqual(2_000_000_000);
      const terms = g.contract.paymentTerms;
      expect(terms.advanceSharePercent + terms.milestones.reduce((s, m) => s + m.sharePercent, 0)).toBe(100);
    }
    expect(new Set(sample.map((g) => g.contract.category))).toEqual(new Set(['goods', 'services', 'works']));
    const terminated = sample.filter((g) => g.changes.some((c) => c.type === 'contract.terminated')).length;
    expect(terminated).toBeGreaterThan(30);
    expect(terminated).toBeLessThan(200);
    const flags = sample.flatMap((g) => g.changes.filter((c) => c.type === 'supplier_risk_flag.added'));
    expect(new Set(flags.map((f) => (f.type === 'supplier_risk_flag.added' ? f.flag.kind : '')))).toEqual(
      new Set(['procurement_serious_violation', 'dishonest_judgment_debtor']),
    );
  });

  it('pays a completed contract exactly its (amended) amount, after it was created', () => {
    for (const g of sample) {
      const created = g.changes.findIndex((c) => c.type === 'contract.created');
      expect(created).toBe(0);
      if (!g.changes.some((c) => c.type === 'contract.completed')) continue;
      const final = contractAt(g, Number.MAX_SAFE_INTEGER)!;
      const paid = g.changes.reduce((s, c) => s + (c.type === 'payment.made' ? c.payment.amountFen : 0), 0);
      expect(paid).toBe(final.amountFen);
      expect(final.status).toBe('completed');
    }
  });

  it('shows the contract as of the clock', () => {
    const g = sample.find((x) => x.changes.some((c) => c.type === 'contract.terminated'))!;
    const signed = Date.parse(g.changes[0]!.occurredAt);
    expect(contractAt(g, signed - 1)).toBeUndefined();
    expect(contractAt(g, signed)?.status).toBe('active');
    expect(contractAt(g, Number.MAX_SAFE_INTEGER)?.status).toBe('terminated');
    expect(SANDBOX_EPOCH_MS).toBe(Date.UTC(2026, 6, 1));
  });
});
