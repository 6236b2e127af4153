import { and, asc, eq, notInArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { writeTransaction } from '../../db/client.ts';
import { AppError, conflict, notFound } from '../../lib/errors.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { residentListMembers, residentLists, residents } from './residents.schema.ts';
import { filterConditions } from './residents.service.ts';

/** How many search results the "add residents" part of a list page offers at once. */
const CANDIDATE_LIMIT = 20;

export function findResidentList(db: Db, listId: number) {
  return db.select({ id: residentLists.id, name: residentLists.name }).from(residentLists).where(eq(residentLists.id, listId)).get();
}

/** What an organiser needs to recognise a resident on a list page. */
const recognisable = { id: residents.id, name: residents.name, email: residents.email, phone: residents.phone, street: residents.street, houseNumber: residents.houseNumber };

/** The members of a saved list, by name. */
export function listMembers(db: Db, listId: number) {
  return db
    .select(recognisable)
    .from(residentListMembers)
    .innerJoin(residents, eq(residents.id, residentListMembers.residentId))
    .where(eq(residentListMembers.listId, listId))
    .orderBy(asc(residents.name), asc(residents.id))
    .all();
}

/** Residents matching a search who are not on the list yet (none without a search: lists can be long). */
export function findMemberCandidates(db: Db, listId: number, q: string) {
  if (!q) return [];
  const members = db.select({ id: residentListMembers.residentId }).from(residentListMembers).where(eq(residentListMembers.listId, listId));
  return db
    .select(recognisable)
    .from(residents)
    .where(and(...filterConditions({ q, neighbourhood: '' }), notInArray(residents.id, members)))
    .orderBy(asc(residents.name), asc(residents.id))
    .limit(CANDIDATE_LIMIT)
    .all();
}

/** Renames a saved list; names stay unique. */
export function renameResidentList(db: Db, listId: number, name: string, actorId: number, now: Date): void {
  writeTransaction(db, (tx) => {
    const list = tx.select({ id: residentLists.id, name: residentLists.name }).from(residentLists).where(eq(residentLists.id, listId)).get();
    if (!list) throw notFound();
    const taken = tx.select({ id: residentLists.id }).from(residentLists).where(and(eq(residentLists.name, name), sql`${residentLists.id} <> ${listId}`)).get();
    if (taken) throw conflict('list_name_taken', 'residents:list.savedNameTaken');
    tx.update(residentLists).set({ name }).where(eq(residentLists.id, listId)).run();
    recordAudit(tx, { actorUserId: actorId, action: 'residents.list_renamed', objectType: 'resident_list', objectId: listId, details: { from: list.name, to: name } }, now);
  });
}

/** Adds a resident to a saved list (adding a member twice changes nothing); returns their name. */
export function addListMember(db: Db, listId: number, residentId: number, actorId: number, now: Date): string {
  return writeTransaction(db, (tx) => {
    if (!tx.select({ id: residentLists.id }).from(residentLists).where(eq(residentLists.id, listId)).get()) throw notFound();
    const resident = tx.select({ name: residents.name }).from(residents).where(eq(residents.id, residentId)).get();
    if (!resident) throw new AppError(422, 'unknown_resident', 'residents:list.edit.unknownResident');
    const added = tx.insert(residentListMembers).values({ listId, residentId }).onConflictDoNothing().run().changes;
    if (added > 0) recordAudit(tx, { actorUserId: actorId, action: 'residents.list_member_added', objectType: 'resident_list', objectId: listId, details: { resident: residentId } }, now);
    return resident.name;
  });
}

/** Takes a resident off a saved list; returns their name. */
export function removeListMember(db: Db, listId: number, residentId: number, actorId: number, now: Date): string {
  return writeTransaction(db, (tx) => {
    const member = tx
      .select({ name: residents.name })
      .from(residentListMembers)
      .innerJoin(residents, eq(residents.id, residentListMembers.residentId))
      .where(and(eq(residentListMembers.listId, listId), eq(residentListMembers.residentId, residentId)))
      .get();
    if (!member) throw notFound();
    tx.delete(residentListMembers).where(and(eq(residentListMembers.listId, listId), eq(residentListMembers.residentId, residentId))).run();
    recordAudit(tx, { actorUserId: actorId, action: 'residents.list_member_removed', objectType: 'resident_list', objectId: listId, details: { resident: residentId } }, now);
    return member.name;
  });
}

/** Deletes a saved list (its members stay residents; invitations already sent stay); returns its name. */
export function deleteResidentList(db: Db, listId: number, actorId: number, now: Date): string {
  return writeTransaction(db, (tx) => {
    const list = tx.delete(residentLists).where(eq(residentLists.id, listId)).returning({ name: residentLists.name }).get();
    if (!list) throw notFound();
    recordAudit(tx, { actorUserId: actorId, action: 'residents.list_deleted', objectType: 'resident_list', objectId: listId, details: { name: list.name } }, now);
    return list.name;
  });
}
