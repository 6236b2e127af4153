import { desc } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../db/client.ts';
import { auditEvents } from '../../db/schema.ts';

export type AuditEntry = {
  actorUserId: number | null;
  action: string;
  objectType?: string;
  objectId?: string | number;
  details?: Record<string, unknown>;
};

/** Appends one audit event; call it inside the transaction of the change it records. */
export function recordAudit(tx: DbOrTx, entry: AuditEntry, now: Date): void {
  tx.insert(auditEvents)
    .values({
      at: now,
      actorUserId: entry.actorUserId,
      action: entry.action,
      objectType: entry.objectType ?? null,
      objectId: entry.objectId === undefined ? null : String(entry.objectId),
      details: entry.details ? JSON.stringify(entry.details) : null,
    })
    .run();
}

export function listAuditEvents(db: Db, page: number, pageSize: number) {
  const rows = db
    .select()
    .from(auditEvents)
    .orderBy(desc(auditEvents.id))
    .limit(pageSize + 1)
    .offset((page - 1) * pageSize)
    .all();
  return { rows: rows.slice(0, pageSize), hasMore: rows.length > pageSize };
}

/** Records that a staff member or organiser opened a list of a dinner's guests (test plan H5). */
export function recordAttendeeListView(db: DbOrTx, actorUserId: number, dinnerId: number, list: string, now: Date): void {
  recordAudit(db, { actorUserId, action: 'attendees.viewed', objectType: 'dinner', objectId: dinnerId, details: { list } }, now);
}
