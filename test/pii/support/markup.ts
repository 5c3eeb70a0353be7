import type { PiiType } from '../../../src/pii/index.js';

export interface Annotated {
  text: string;
  entities: { type: PiiType; start: number; end: number }[];
}

/** Parses `[[TYPE|value]]` markup into plain text and entity offsets (UTF-16). */
export function parseMarkup(line: string): Annotated {
  const entities: Annotated['entities'] = [];
  let text = '';
  let last = 0;
  for (const m of line.matchAll(/\[\[([A-Z_]+)\|(.*?)\]\]/g)) {
    text += line.slice(last, m.index);
    entities.push({ type: m[1] as PiiType, start: text.length, end: text.length + m[2].length });
    text += m[2];
    last = m.index! + m[0].length;
  }
  return { text: text + line.slice(last), entities };
}

/** `[[TYPE|value]]` */
export const tag = (type: PiiType, value: string): string => `[[${type}|${value}]]`;
