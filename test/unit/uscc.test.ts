import { describe, expect, it } from 'vitest';
import { isValidUscc, withUsccCheck } from '../../src/domain/uscc.js';

describe('USCC (GB 32100)', () => {
  it('accepts published codes', () => {
    expect(isValidUscc('914403001922038216')).toBe(true); // 华为技术有限公司
    expect(isValidUscc('91350100M000100Y43')).toBe(true); // the standard's worked example
  });
  it('refuses a wrong check character, a lower-case or excluded letter, and the wrong length', () => {
    expect(isValidUscc('914403001922038217')).toBe(false);
    expect(isValidUscc('91350100m000100Y43')).toBe(false);
    expect(isValidUscc('91350100M000100I43')).toBe(false);
    expect(isValidUscc('91350100M000100Y4')).toBe(false);
    expect(isValidUscc('91350100M000100Y433')).toBe(false);
  });
  it('completes a prefix into a valid code', () => {
    const code = withUsccCheck('91150100MA0N0AAA0');
    expect(code).toHaveLength(18);
    expect(isValidUscc(code)).toBe(true);
  });
});
