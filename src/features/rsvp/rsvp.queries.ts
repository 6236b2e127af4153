import { asc } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { residentLists } from '../residents/residents.schema.ts';

/** Saved audiences for the invitation form. */
export function listResidentLists(db: Db) {
  return db.select({ id: residentLists.id, name: residentLists.name }).from(residentLists).orderBy(asc(residentLists.name)).all();
}
