import { describe, expect, it } from 'vitest';
import { NoteFilterForm } from '../../src/features/notes/notes.forms.ts';
import { iterateNotesForExport } from '../../src/features/notes/notes.service.ts';
import { notes } from '../../src/features/notes/notes.schema.ts';
import { makeTestApp } from '../support/app.ts';
import { buildNote } from '../support/notes-builders.ts';
import { buildDinner } from '../support/rsvp-builders.ts';

describe('iterateNotesForExport', () => {
  it('reads every matching note in export order, page after page, while the app can still write between rows', () => {
    const { db } = makeTestApp();
    const dinner = buildDinner(db);
    // Two pages and one row: the reader's pages hold 500 rows.
    const created = new Date('2030-01-21T10:00:00Z');
    const values = Array.from({ length: 1001 }, (_, i) => ({ dinnerId: dinner.id, kind: 'story' as const, body: `Verhaal ${i}`, neighbourhood: 'Oost', createdAt: created, updatedAt: created }));
    const ids = db.insert(notes).values(values).returning({ id: notes.id }).all().map((row) => row.id);

    const rows = iterateNotesForExport(db, NoteFilterForm.parse({}), 'oldest', false);
    const first = rows.next();
    const writtenMeanwhile = buildNote(db, dinner);
    const rest = [...rows];

    expect(first.value?.id).toBe(ids[0]);
    expect(rest.map((row) => row.id)).toEqual(ids.slice(1));
    expect(rest.some((row) => row.id === writtenMeanwhile.id)).toBe(false);
  });
});
