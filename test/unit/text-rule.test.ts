import { describe, expect, it } from 'vitest';
import { cleanArgs, cleanText, percentBytes, queryNamesNotUtf8, textFault } from '../../src/text-rule.js';
import { runZcd } from '../helpers/cli.js';

describe('the text rule', () => {
  it('takes ordinary text, Chinese and characters outside the BMP', () => {
    for (const s of ['', 'abc', '政采贷·通用', '𠀀𠀁', 'emoji 👍🏽', 'ﬁ']) expect(textFault(s), s).toBeUndefined();
  });

  it('lets line feeds through only in members the spec marks x-multiline, and nothing else there', () => {
    const multiline = new Set(['/body']);
    expect(cleanText({ title: 't', body: '第一段\n第二段' }, undefined, multiline)).toEqual({ ok: true, value: { title: 't', body: '第一段\n第二段' } });
    const refused = cleanText({ title: 'a\nb', body: 'x\r\ny', note: 'p\nq' }, undefined, multiline);
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.issues.map((i) => i.pointer).sort()).toEqual(['/body', '/note', '/title']);
    expect(textFault('a\u0000\nb', true)).toMatch(/other than line feeds/);
  });

  it('refuses every C0 and C1 control, DEL and lone surrogates', () => {
    for (let c = 0; c <= 0x1f; c++) expect(textFault(`a${String.fromCharCode(c)}b`), `U+${c.toString(16)}`).toMatch(/control/);
    for (let c = 0x7f; c <= 0x9f; c++) expect(textFault(`a${String.fromCharCode(c)}b`), `U+${c.toString(16)}`).toMatch(/control/);
    for (const s of ['\ud800', 'a\udbffb', '\udc00', 'x\udfff', '\udc00\ud800']) expect(textFault(s)).toMatch(/surrogate/);
    expect(textFault('\ud800\udc00')).toBeUndefined();
  });

  it('normalises keys and values to NFC, at every depth', () => {
    const r = cleanText({ 'e\u0301': ['A\u030a', { n: 'Cafe\u0301' }], k: 1, z: null });
    expect(r).toEqual({ ok: true, value: { '\u00e9': ['\u00c5', { n: 'Caf\u00e9' }], k: 1, z: null } });
  });

  it('names every offending string by JSON Pointer, escaping ~ and /', () => {
    const r = cleanText({ 'a/b': 'x\u0000', list: ['ok', 'y\u0007'], 'c~d': { e: '\ud800' } });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.issues.map((i) => i.pointer)).toEqual(['/a~1b', '/list/1', '/c~0d/e']);
  });

  it('refuses two members that become one once normalised', () => {
    const r = cleanText({ '\u00e9': 1, 'e\u0301': 2 });
    expect(r.ok).toBe(false);
  });

  it('marks strings a caller suspects of standing for invalid UTF-8', () => {
    const r = cleanText({ a: 'fine', b: 'bad\uFFFD' }, (s) => s.includes('\uFFFD'));
    expect(!r.ok && r.issues).toEqual([{ pointer: '/b', detail: 'must be valid UTF-8' }]);
  });

  it('reads the raw query: percent-escapes and + as bytes, names the parameter whose bytes are not UTF-8', () => {
    expect([...percentBytes('a+%E6%94%BF')]).toEqual([0x61, 0x20, 0xe6, 0x94, 0xbf]);
    expect(queryNamesNotUtf8('a=%E6%94%BF&b=%FF&c%C3=1&d')).toEqual(['b', 'c\uFFFD']);
    expect(queryNamesNotUtf8('')).toEqual([]);
  });

  it('applies the same rule to command-line arguments', () => {
    expect(cleanArgs(['institutions', 'Cafe\u0301'])).toEqual({ ok: true, args: ['institutions', 'Caf\u00e9'] });
    expect(cleanArgs(['ok', 'a\u0007'])).toMatchObject({ ok: false, index: 1 });
    expect(cleanArgs(['a\uFFFD'])).toMatchObject({ ok: false, index: 0, detail: 'must be valid UTF-8' });
  });

  it('the zcd command refuses an argument that breaks it, before any command runs', async () => {
    const res = await runZcd(['staff', 'add', 'czt\u0007x'], { DATABASE_URL: 'sqlite::memory:' });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('argument 3 must not contain control characters');
  }, 30_000);
});
