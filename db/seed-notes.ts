import { sql } from 'drizzle-orm';
import type { Db } from '../src/db/client.ts';
import { users } from '../src/db/schema.ts';
import type { Mailer } from '../src/features/mail/outbox.service.ts';
import { saveReferenceFigure } from '../src/features/notes/notes-report.service.ts';
import { createNote, saveDinnerReport, updateFollowUp } from '../src/features/notes/notes.service.ts';
import { eq } from 'drizzle-orm';

type DemoNote = {
  kind: 'story' | 'idea' | 'worry' | 'wish';
  body: string;
  themes: string[];
  locationKind?: 'complex' | 'street' | 'neighbourhood';
  locationName?: string;
  quote?: string;
  followUp?: { status: 'under_review' | 'planned' | 'in_progress' | 'done' | 'not_possible'; publicAnswer?: string; statusReason?: string; isPublic?: boolean };
};

const DEMO_NOTES: DemoNote[] = [
  { kind: 'idea', body: 'Een moestuin op het binnenplein, waar kinderen en ouderen samen kunnen tuinieren.', themes: ['green', 'living_together'], locationKind: 'complex', locationName: 'De Linde', followUp: { status: 'planned', publicAnswer: 'In april leggen we vier moestuinbakken aan. Wie wil meehelpen?', isPublic: true } },
  { kind: 'worry', body: 'Het pad langs de flat is ’s avonds erg donker; mensen lopen liever om.', themes: ['safety', 'street'], locationKind: 'street', locationName: 'Kastanjelaan' },
  { kind: 'story', body: 'Twee buren die al tien jaar naast elkaar wonen, spraken elkaar voor het eerst. Ze gaan samen koken.', themes: ['living_together'], quote: 'Ik wist niet dat zij ook uit Izmir komt!' },
  { kind: 'idea', body: 'Extra lantaarns op het pad langs de Kastanjelaan.', themes: ['safety', 'street'], locationKind: 'street', locationName: 'Kastanjelaan', followUp: { status: 'in_progress', publicAnswer: 'De gemeente plaatst in maart drie extra lantaarns.', isPublic: true } },
  { kind: 'wish', body: 'Een plek waar jongeren ’s avonds kunnen zitten zonder dat het overlast geeft.', themes: ['play', 'living_together'] },
  { kind: 'idea', body: 'Een schommel voor kinderen in een rolstoel in de speeltuin.', themes: ['play'], followUp: { status: 'under_review', isPublic: true } },
  { kind: 'idea', body: 'Een lift in het portiekflat aan de Beukstraat.', themes: ['home', 'maintenance'], locationKind: 'complex', locationName: 'Beukstraat 2–40', followUp: { status: 'not_possible', statusReason: 'De constructie van dit portiek laat geen lift toe. We kijken met bewoners naar een traplift per woning.', publicAnswer: 'Een lift past helaas niet. We bespreken een traplift per woning met wie dat nodig heeft.', isPublic: true } },
  { kind: 'worry', body: 'Schimmel in de badkamers van de benedenwoningen komt elk jaar terug.', themes: ['home', 'maintenance'], locationKind: 'complex', locationName: 'De Linde' },
  { kind: 'idea', body: 'Een ruilkast in de hal voor boeken en speelgoed.', themes: ['living_together'], locationKind: 'complex', locationName: 'De Linde', followUp: { status: 'done', publicAnswer: 'De ruilkast staat sinds februari in de hal. Dank voor het idee!', isPublic: true } },
];

/**
 * Demo notes, ideas with follow-up ("you said, we did"), a dinner report and reference figures,
 * on the past dinners the scheduling seed planned. Through the services, like real use.
 */
export function seedNotes(db: Db, mailer: Mailer, options: { now: Date; baseUrl: string; organiserId: number | null; staffEmail: string }): void {
  const past = db.all<{ id: number; neighbourhood: string }>(sql`
    select d.id as id, v.neighbourhood as neighbourhood from dinners d join venues v on v.id = d.venue_id
    where d.starts_at < ${options.now.getTime()} and d.status in ('published', 'completed') order by d.starts_at desc limit 3`);
  const staff = db.select({ id: users.id }).from(users).where(eq(users.email, options.staffEmail)).get();
  if (past.length === 0 || !options.organiserId || !staff) return;
  DEMO_NOTES.forEach((demo, index) => {
    const dinner = past[index % past.length]!;
    const note = createNote(
      db,
      dinner.id,
      {
        kind: demo.kind,
        body: demo.body,
        themes: demo.themes,
        tableId: null,
        locationKind: demo.locationKind ?? 'neighbourhood',
        locationName: demo.locationName ?? '',
        quote: demo.quote ?? '',
        quoteConsent: Boolean(demo.quote),
      },
      options.organiserId!,
      options.now,
    );
    if (demo.followUp) {
      updateFollowUp(
        db,
        mailer,
        note.id,
        {
          status: demo.followUp.status,
          statusReason: demo.followUp.statusReason ?? '',
          ownerId: staff.id,
          reviewOn: null,
          internalNotes: '',
          publicAnswer: demo.followUp.publicAnswer ?? '',
          isPublic: demo.followUp.isPublic ?? false,
        },
        staff.id,
        options.baseUrl,
        options.now,
      );
    }
  });
  saveDinnerReport(db, past[0]!.id, { guestCount: 34, summary: 'Goede sfeer; veel gesprekken over het binnenplein en de verlichting.' }, options.organiserId, options.now);
  const neighbourhood = past[0]!.neighbourhood;
  for (const [category, percent] of [['dutch', 41], ['moroccan', 17], ['turkish', 14], ['surinamese', 9], ['polish', 4]] as const) {
    saveReferenceFigure(db, { neighbourhood, dimension: 'background', category, percent, source: 'CBS Wijk- en buurtkaart (demo)' }, staff.id, options.now);
  }
}
