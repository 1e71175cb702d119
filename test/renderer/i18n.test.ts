import { describe, expect, it } from 'vitest';
import { en } from '../../renderer/src/lib/i18n-en.ts';
import { ru } from '../../renderer/src/lib/i18n-ru.ts';
import { pluralKey, resolveLanguage, translate } from '../../renderer/src/lib/i18n.ts';
import { explainMe } from '../../renderer/src/lib/me-text.ts';
import { meFromIdentity } from '../../main/core/me.ts';
import { AGROMESH_CAPABILITY } from '../../protocol/identity.ts';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('i18n dictionaries', () => {
  it('Russian has every English key, non-empty, with the same placeholders', () => {
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(ru[key], key).toBeTruthy();
      expect(placeholders(ru[key]), key).toEqual(placeholders(en[key]));
    }
    expect(Object.keys(ru).sort()).toEqual(Object.keys(en).sort());
  });

  it('fills placeholders and leaves unknown ones visible', () => {
    expect(translate('en', 'signedInAs', { name: 'Olga' })).toBe('Signed in as Olga');
    expect(translate('ru', 'signedInAs', { name: 'Ольга' })).toBe('Вы вошли как Ольга');
    expect(translate('en', 'signedInAs')).toBe('Signed in as {name}');
  });

  it("follows the system language for 'system', Russian only for ru-*", () => {
    expect(resolveLanguage('system', 'ru-RU')).toBe('ru');
    expect(resolveLanguage('system', 'en-US')).toBe('en');
    expect(resolveLanguage('system', 'de-DE')).toBe('en');
    expect(resolveLanguage('system', undefined)).toBe('en');
    expect(resolveLanguage('ru', 'en-US')).toBe('ru');
  });

  it('picks Russian plural forms', () => {
    const say = (n: number) => translate('ru', pluralKey('ru', n, 'farms'), { n });
    expect([1, 3, 5, 21, 12].map(say)).toEqual(['1 ферма', '3 фермы', '5 ферм', '21 ферма', '12 ферм']);
    expect(translate('en', pluralKey('en', 1, 'farms'), { n: 1 })).toBe('1 farm');
    expect(translate('en', pluralKey('en', 7, 'farms'), { n: 7 })).toBe('7 farms');
  });
});

describe('who-am-I explanation in the UI language', () => {
  const identity = (caps: unknown[]) => ({
    address: '100.64.0.9',
    nodeId: 'n1',
    nodeName: 'anna-laptop',
    user: 'anna@example.com',
    userDisplayName: 'Anna',
    tags: [],
    capabilities: { [AGROMESH_CAPABILITY]: caps },
  });
  const en = (key: Parameters<typeof translate>[1], vars?: Record<string, string | number>) =>
    translate('en', key, vars);
  const ru = (key: Parameters<typeof translate>[1], vars?: Record<string, string | number>) =>
    translate('ru', key, vars);

  it('says in English exactly what the core says', () => {
    for (const caps of [
      [{ role: 'agronomist' }],
      [{ role: 'operator', farms: ['*'] }, { role: 'support' }],
      [],
    ]) {
      const me = meFromIdentity(identity(caps), 'localapi');
      expect(explainMe(me, en, 'en')).toBe(me.explanation);
    }
  });

  it('says it in Russian too', () => {
    const me = meFromIdentity(identity([{ role: 'agronomist' }]), 'localapi');
    expect(explainMe(me, ru, 'ru')).toBe(
      'Политика tailnet даёт Anna на anna-laptop роль «агроном». Для команд нужна роль оператора.',
    );
  });
});
