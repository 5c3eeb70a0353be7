// Letters from other scripts that render like Latin letters, used to slip a term past an exact match.
const PAIRS =
  // Cyrillic, lower then upper
  'аaвbеeкkмmнhоoрpсcтtуyхxѕsіiјjһhԁdԛqԝwӏlёeїiАAВBЕEКKМMНHОOРPСCТTУYХXЅSІIЈJ' +
  // Greek, lower then upper
  'αaβbεeηnιiκkνvοoρpτtυuχxγyωwμuΑAΒBΕEΖZΗHΙIΚKΜMΝNΟOΡPΤTΥYΧX' +
  // Latin letters that are not plain ASCII and have no decomposition
  'ıiɡgℓlſsøoØOđdĐDłlŁLħh';

const MAP = new Map<number, string>();
for (let i = 0; i < PAIRS.length; i += 2) MAP.set(PAIRS.charCodeAt(i), PAIRS[i + 1]);

const MARKS = /\p{M}/gu;

/** Folds look-alike letters to ASCII and strips diacritics from Latin, Greek and Cyrillic letters. */
export function foldLookalike(ch: string): string {
  const direct = MAP.get(ch.charCodeAt(0));
  if (direct !== undefined && ch.length === 1) return direct;
  const c = ch.codePointAt(0) ?? 0;
  // Only alphabetic scripts: stripping marks from kana (が → か) would change the word.
  if (c < 0x0530 || (c >= 0x1e00 && c <= 0x1fff)) {
    const d = ch.normalize('NFD');
    if (d.length > 1) {
      const base = d.replace(MARKS, '');
      if (base !== '') {
        const again = MAP.get(base.charCodeAt(0));
        return again !== undefined && base.length === 1 ? again : base;
      }
    }
  }
  return ch;
}
