/**
 * The engine's verifier words broken rules in English for audits; pages show them translated,
 * by kind (the catalogue's matching:breaks.<kind>), with how often each occurs.
 */
export type BreakKind = 'seats' | 'language' | 'access' | 'minimum' | 'other';

export function classifyBreak(sentence: string): BreakKind {
  if (/ seats$/.test(sentence)) return 'seats';
  if (/table language/.test(sentence)) return 'language';
  if (/accessible seat/.test(sentence)) return 'access';
  if (/minPerTable/.test(sentence)) return 'minimum';
  return 'other';
}

export function classifyBreaks(sentences: string[]): { kind: BreakKind; count: number }[] {
  const counts = new Map<BreakKind, number>();
  for (const s of sentences) counts.set(classifyBreak(s), (counts.get(classifyBreak(s)) ?? 0) + 1);
  return [...counts.entries()].map(([kind, count]) => ({ kind, count }));
}
