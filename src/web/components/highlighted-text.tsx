import { Fragment, type ReactNode } from 'react';

export interface Span {
  start: number;
  end: number;
  /** What the mark says to assistive technology and on hover, e.g. the rule id. */
  label: string;
}

/**
 * Text with spans marked (<mark>). Offsets are UTF-16 indexes, as JavaScript strings count; overlapping
 * spans are merged so no character is marked twice.
 */
export function HighlightedText({ text, spans }: { text: string; spans: readonly Span[] }) {
  const sorted = spans
    .filter((s) => s.end > s.start && s.start >= 0 && s.start < text.length)
    .map((s) => ({ ...s, end: Math.min(s.end, text.length) }))
    .sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: Span[] = [];
  for (const s of sorted) {
    const last = merged[merged.length - 1];
    if (last && s.start < last.end) {
      last.end = Math.max(last.end, s.end);
      if (!last.label.split(', ').includes(s.label)) last.label += `, ${s.label}`;
    } else merged.push({ ...s });
  }
  const parts: ReactNode[] = [];
  let at = 0;
  merged.forEach((s, i) => {
    if (s.start > at) parts.push(<Fragment key={`t${i}`}>{text.slice(at, s.start)}</Fragment>);
    parts.push(
      <mark key={`m${i}`} title={s.label}>
        {text.slice(s.start, s.end)}
      </mark>,
    );
    at = s.end;
  });
  if (at < text.length) parts.push(<Fragment key="rest">{text.slice(at)}</Fragment>);
  return <>{parts}</>;
}
