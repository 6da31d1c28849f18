import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli.js';
import { bureauMessages } from '../../src/web/console/bureau-messages.js';
import { momentParts } from '../../src/web/console/common/when.js';
import { consoleMessages } from '../../src/web/console/console-messages.js';
import { supervisionMessages } from '../../src/web/console/supervision-messages.js';
import { messages as shared } from '../../src/web/shared/i18n/messages.js';
import { portalMessages } from '../../src/web/portal/portal-messages.js';
import { formatDateTime } from '../../src/web/portal/portal-format.js';
import { portalPageMessages } from '../../src/web/portal/portal-page-messages.js';
import { problemMessages, problemText } from '../../src/web/shared/api/problem-text.js';
import { addMessages, placeholders, translate } from '../../src/web/shared/i18n/translate.js';

const HAN = /[\u4e00-\u9fff]/;

const messages = { ...shared, ...portalMessages, ...portalPageMessages, ...consoleMessages, ...bureauMessages, ...supervisionMessages, ...problemMessages };
// As the portal and the console do when they load.
addMessages(portalMessages);
addMessages(consoleMessages);
addMessages(bureauMessages);
addMessages(supervisionMessages);

describe('the message table', () => {
  it('holds each key in one table only: shared, the portal’s or the console’s', () => {
    const keys = [...Object.keys(shared), ...Object.keys(portalMessages), ...Object.keys(portalPageMessages), ...Object.keys(consoleMessages), ...Object.keys(bureauMessages), ...Object.keys(supervisionMessages), ...Object.keys(problemMessages)];
    expect(keys.length).toBe(new Set(keys).size);
  });

  const entries = Object.entries(messages) as [keyof typeof messages, readonly [string, string]][];

  it('has Chinese and English for every key, with the same placeholders', () => {
    for (const [key, [zh, en]] of entries) {
      expect(zh.trim(), key).not.toBe('');
      expect(en.trim(), key).not.toBe('');
      expect(placeholders(zh).sort(), key).toEqual(placeholders(en).sort());
    }
  });

  it('puts Chinese first: the first text of a sentence is Chinese, the second is not', () => {
    for (const [key, [zh, en]] of entries) {
      if (key === 'shell.switchLanguage') continue; // names the other language in that language
      const words = en.replace(/\{\w+\}/g, '');
      if (/[A-Za-z]{3}/.test(words) && words.length > 12) {
        expect(HAN.test(zh), `${key}: ${zh}`).toBe(true);
        expect(HAN.test(en) && !en.includes('政采贷'), `${key}: ${en}`).toBe(false);
      }
    }
  });

  it('fills placeholders and leaves unknown ones visible', () => {
    expect(translate('zh-CN', 'common.pageNumber', { n: 3 })).toBe('第 3 页');
    expect(translate('en', 'common.pageNumber', { n: 3 })).toBe('Page 3');
    expect(translate('en', 'common.pageNumber')).toBe('Page {n}');
    expect(translate('zh-CN', 'overview.ownLevel', { region: '呼和浩特市' })).toBe('呼和浩特市（本级）');
  });

  it('has a message for every reason a typed amount is refused', async () => {
    const codes = ['empty', 'full_width', 'not_a_number', 'negative', 'too_many_decimals', 'zero', 'too_large', 'above_max'];
    for (const code of codes) expect(Object.keys(messages)).toContain(`money.error.${code}`);
  });
});

describe('dates in the console and the portal', () => {
  it('the console writes a moment as the portal does, in Beijing time, to the second', () => {
    const iso = '2026-12-01T15:08:31Z';
    expect(momentParts(iso, 'zh-CN')).toEqual(['2026年12月1日', '23:08:31']);
    expect(formatDateTime(iso, 'zh-CN').startsWith(momentParts(iso, 'zh-CN')[0])).toBe(true);
    expect(momentParts('2026-12-01T16:00:00Z', 'zh-CN')).toEqual(['2026年12月2日', '00:00:00']);
    expect(momentParts(iso, 'en-US')).toEqual(['Dec 1, 2026', '23:08:31']);
  });
});

describe('refusals in the pages', () => {
  const zh = (key: Parameters<typeof translate>[1]) => translate('zh-CN', key);
  it('a listed code reads in the page’s language; any other keeps the API’s detail, then its title', () => {
    expect(problemText({ code: 'duplicate_application', detail: 'An open application for this contract and product exists.' }, zh)).toMatch(/^这份合同已有一笔/);
    expect(problemText({ code: 'cannot_remove_self', detail: 'You cannot remove yourself; ask another admin.' }, (k) => translate('en', k))).toBe('You cannot remove yourself; ask another administrator.');
    expect(problemText({ code: 'something_new', detail: 'Some new refusal.' }, zh)).toBe('Some new refusal.');
    expect(problemText({ code: 'something_new', title: 'Conflict' }, zh)).toBe('Conflict');
  });

  it('lists only codes the gateway sends', () => {
    // The gateway's own code, not the pages'.
    const sent = readdirSync(join(repoRoot, 'src'), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts') && !f.startsWith('web'))
      .map((f) => readFileSync(join(repoRoot, 'src', f), 'utf8'))
      .join('\n');
    for (const key of Object.keys(problemMessages)) expect(sent, key).toContain(`'${key.slice('problem.'.length)}'`);
  });
});
