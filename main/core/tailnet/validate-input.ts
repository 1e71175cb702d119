/** Input checks done before calling a control plane, so mistakes fail fast with a clear message. */
import { AgromeshError } from '../../../protocol/errors.ts';

const TAG = /^tag:[A-Za-z][A-Za-z0-9-]*$/;

export function checkTags(tags: string[], options: { lowercase?: boolean } = {}): void {
  for (const t of tags) {
    if (!TAG.test(t)) {
      throw new AgromeshError(
        'VALIDATION',
        `"${t}" is not a tag: tags look like tag:name (a letter, then letters, digits or dashes).`,
      );
    }
    if (options.lowercase && t !== t.toLowerCase()) {
      throw new AgromeshError('VALIDATION', `Headscale needs lowercase tags: "${t}".`);
    }
  }
}

export function checkPostureKey(key: string): void {
  if (!/^custom:[A-Za-z0-9_:]+$/.test(key) || key.length > 50) {
    throw new AgromeshError(
      'VALIDATION',
      `Posture attribute keys are custom:-prefixed, at most 50 characters of letters, digits, _ and : ("${key}").`,
    );
  }
}

export function checkPostureValue(value: string | number | boolean): void {
  if (typeof value === 'string' && !/^[A-Za-z0-9_.]{0,50}$/.test(value)) {
    throw new AgromeshError(
      'VALIDATION',
      'Posture string values are at most 50 characters of letters, digits, _ and .',
    );
  }
  if (typeof value === 'number' && !Number.isSafeInteger(value)) {
    throw new AgromeshError('VALIDATION', 'Posture number values must be safe integers.');
  }
}

