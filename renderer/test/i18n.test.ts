import { describe, expect, it } from 'vitest';
import { allNamespaces, type StringTree } from '../src/i18n';

// Every visible string exists in both languages, and the Chinese one is a
// translation (not the English text left in place).

function flatten(tree: StringTree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') out.set(path, value);
    else for (const [k, v] of flatten(value, path)) out.set(k, v);
  }
  return out;
}

/** Values that are the same in both languages by nature: names, numbers, placeholders only. */
function languageNeutral(value: string): boolean {
  const withoutPlaceholders = value.replace(/\{\{[^}]+\}\}/g, '').trim();
  return /^[\d\s.,:%/()+-]*$/.test(withoutPlaceholders) || /^(KTalk|CSV|JSON|ID|OK)$/i.test(withoutPlaceholders);
}

// Loaded up front: the later pages' strings arrive by dynamic import in the app.
const namespaces = await allNamespaces();

describe('translations', () => {
  it('includes the shell, the shared components, errors and every feature', () => {
    for (const ns of [
      'app',
      'ui',
      'errors',
      'chats',
      'groups',
      'onboarding',
      'payments',
      'settings',
      'sharing',
      'admin',
      'compliance',
    ]) {
      expect(Object.keys(namespaces)).toContain(ns);
    }
  });

  for (const [ns, strings] of Object.entries(namespaces)) {
    it(`${ns}: the same keys in en and zh-CN, none empty, Chinese actually translated`, () => {
      const en = flatten(strings.en);
      const zh = flatten(strings['zh-CN']);
      expect([...zh.keys()].sort()).toEqual([...en.keys()].sort());
      for (const [key, value] of en) {
        const chinese = zh.get(key) ?? '';
        expect(value.trim(), `${ns}:${key} (en)`).not.toBe('');
        expect(chinese.trim(), `${ns}:${key} (zh-CN)`).not.toBe('');
        if (!languageNeutral(value)) expect(chinese, `${ns}:${key} is untranslated`).not.toBe(value);
        // Placeholders survive translation.
        const placeholders = (s: string) => (s.match(/\{\{[^}]+\}\}/g) ?? []).sort();
        expect(placeholders(chinese), `${ns}:${key} placeholders`).toEqual(placeholders(value));
      }
    });
  }
});
