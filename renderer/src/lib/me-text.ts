/**
 * Why the tailnet gave this person these rights, in the UI's language. The core words the same facts in
 * English (Me.explanation); this rebuilds them from the roles so a Russian screen does not switch language
 * mid-sentence. When the core could not say who you are, its own words (which name the cause) are kept.
 */
import type { Me } from '../../../protocol/app/index.ts';
import { AGROMESH_CAPABILITY } from '../../../protocol/identity.ts';
import type { MessageKey, Vars } from './i18n.ts';
import { ROLE_LABEL } from './labels.ts';

export function explainMe(me: Me, t: (key: MessageKey, vars?: Vars) => string, lang: string): string {
  if (me.user === 'unknown') return lang === 'en' ? me.explanation : t('meUnknown');
  const who = t('meWho', { name: me.displayName || me.user, node: me.nodeName });
  if (me.roles.length === 0) return t('meNoRole', { who, capability: AGROMESH_CAPABILITY });
  const roles = me.roles.map((r) => t(ROLE_LABEL[r])).join(', ');
  const granted = t(me.roles.length > 1 ? 'meRolesMany' : 'meRolesOne', { who, roles });
  return me.canCommand ? granted : `${granted} ${t('meNeedOperator')}`;
}
