/**
 * The authorisation matrix (test plan G1): for every route the app answers, what each role gets.
 * test/security/authz.test.ts reads the routes from the Express router itself and fails when a
 * route has no line here, or a line here has no route. Adding a route = adding one line:
 *
 *   'GET /dinners/:dinnerId': { ...backOffice('organiser', 'admin'), params: async ({ db }) => ({ dinnerId: (await buildDinner(db)).id }) },
 *
 * Shorthands: everyone() — public pages and forms; backOffice(...roles) — staff pages (anonymous
 * is sent to /login, other roles get 403). `params` fills the path's parameters with rows you build;
 * without it every parameter is a non-existent id and the allowed roles must answer 404.
 * `body` is a form body for unsafe routes, so the allowed roles reach the success path.
 */
import type { Db } from '../src/db/client.ts';
import type { User } from '../src/db/schema.ts';
import { issueUserToken } from '../src/features/auth/auth.service.ts';
import type { Mailer } from '../src/features/mail/outbox.service.ts';
import { buildUser } from './support/builders.ts';
import type { Actor, StaffActor } from './support/security.ts';
import { buildDinner as buildRsvpDinner } from './support/rsvp-builders.ts';
import { buildAttendee, buildNote, noteLinkPath } from './support/notes-builders.ts';
import { buildConfirmedRsvp, buildDinner as buildNotesDinner, buildJoinToken, buildResident, buildResidentList, personalLink } from './support/rsvp-builders.ts';
import { buildHomeRoundLink } from './support/matching-builders.ts';

/**
 * allow: the handler answered (2xx, 3xx other than to /login, 409 or 422);
 * login: redirected to /login; forbidden: 403; notFound: 404; gone: 410 (spent or unknown link).
 */
export type Outcome = 'allow' | 'login' | 'forbidden' | 'notFound' | 'gone';

export type MatrixContext = { db: Db; mailer: Mailer; now: Date; actors: Record<StaffActor, User> };
type Params = Record<string, string | number>;

export type MatrixEntry = {
  expect: Record<Actor, Outcome>;
  params?: (ctx: MatrixContext) => Params | Promise<Params>;
  body?: (ctx: MatrixContext) => Record<string, string | string[]> | Promise<Record<string, string | string[]>>;
};

export function everyone(): MatrixEntry {
  return { expect: { anonymous: 'allow', organiser: 'allow', staff: 'allow', admin: 'allow' } };
}

export function backOffice(...allowed: StaffActor[]): MatrixEntry {
  const outcome = (actor: StaffActor): Outcome => (allowed.includes(actor) ? 'allow' : 'forbidden');
  return { expect: { anonymous: 'login', organiser: outcome('organiser'), staff: outcome('staff'), admin: outcome('admin') } };
}

// Row builders for parameters, shared by several lines below.
const anAccount = async ({ db }: MatrixContext) => ({ id: (await buildUser(db)).id });
const anInvitedAccount = async ({ db }: MatrixContext) => ({ id: (await buildUser(db, { withPassword: false })).id });
const anInvitationToken = async ({ db, now }: MatrixContext) => ({
  token: issueUserToken(db, (await buildUser(db, { withPassword: false })).id, 'invitation', now),
});
const aResetToken = async ({ db, now }: MatrixContext) => ({ token: issueUserToken(db, (await buildUser(db)).id, 'password_reset', now) });
const aMail = ({ db, mailer, now, actors }: MatrixContext) => ({
  id: mailer.enqueue(db, { to: 'someone@test.example', locale: 'nl', template: 'invitation', locals: { name: 'Someone', inviter: actors.admin.name, link: 'http://127.0.0.1/x' } }, now)!.id,
});

export const AUTHZ_MATRIX: Record<string, MatrixEntry> = {
  // Foundation: public pages, sign-in, language.
  'GET /': everyone(),
  'GET /healthz': everyone(),
  'GET /language/:locale': { ...everyone(), params: () => ({ locale: 'en' }) },
  'GET /login': everyone(),
  'POST /login': everyone(),
  'POST /logout': everyone(),
  'GET /password/forgot': everyone(),
  'POST /password/forgot': { ...everyone(), body: ({ actors }) => ({ email: actors.organiser.email }) },
  'GET /password/forgot/sent': everyone(),
  'GET /password/reset/:token': { ...everyone(), params: aResetToken },
  'POST /password/reset/:token': { ...everyone(), params: aResetToken },
  'GET /invitation/:token': { ...everyone(), params: anInvitationToken },
  'POST /invitation/:token': { ...everyone(), params: anInvitationToken },

  // Foundation: accounts, audit log and mailbox are for admins.
  'GET /admin/users': backOffice('admin'),
  'GET /admin/users/new': backOffice('admin'),
  'POST /admin/users': { ...backOffice('admin'), body: () => ({ name: 'New Person', email: `new-${Math.random().toString(36).slice(2)}@test.example`, locale: 'nl', roles: 'staff' }) },
  'GET /admin/users/:id': { ...backOffice('admin'), params: anAccount },
  'POST /admin/users/:id/roles': { ...backOffice('admin'), params: anAccount, body: () => ({ roles: ['staff', 'organiser'] }) },
  'POST /admin/users/:id/disable': { ...backOffice('admin'), params: anAccount },
  'POST /admin/users/:id/enable': { ...backOffice('admin'), params: anAccount },
  'POST /admin/users/:id/invitation': { ...backOffice('admin'), params: anInvitedAccount },
  'GET /admin/audit': backOffice('admin'),
  'GET /admin/mail': backOffice('admin'),
  'GET /admin/mail/:id': { ...backOffice('admin'), params: aMail },
  'GET /admin/mail/:id/html': { ...backOffice('admin'), params: aMail },

  // Notes and ideas (issue 6): organisers capture, staff follow up and export, admins manage themes; residents use links.
  'GET /notes/dinners': backOffice('organiser', 'staff', 'admin'),
  'GET /notes/dinners/:dinnerId': { ...backOffice('organiser', 'staff', 'admin'), params: ({ db }) => ({ dinnerId: buildNotesDinner(db).id }) },
  'POST /notes/dinners/:dinnerId': { ...backOffice('organiser', 'staff', 'admin'), params: ({ db }) => ({ dinnerId: buildNotesDinner(db).id }), body: () => ({ kind: 'story', body: 'Matrix note' }) },
  'POST /notes/dinners/:dinnerId/report': { ...backOffice('organiser', 'staff', 'admin'), params: ({ db }) => ({ dinnerId: buildNotesDinner(db).id }), body: () => ({ guestCount: '12' }) },
  'GET /notes': backOffice('staff', 'admin'),
  'POST /notes/bulk-status': { ...backOffice('staff', 'admin'), body: ({ db }) => ({ ids: String(buildNote(db, buildNotesDinner(db)).id), status: 'planned' }) },
  'POST /notes/export': { ...backOffice('staff', 'admin'), body: () => ({ format: 'csv' }) },
  'GET /notes/bundles': backOffice('staff', 'admin'),
  'GET /notes/:id': { ...backOffice('staff', 'admin'), params: ({ db }) => ({ id: buildNote(db, buildNotesDinner(db)).id }) },
  'POST /notes/:id/follow-up': { ...backOffice('staff', 'admin'), params: ({ db }) => ({ id: buildNote(db, buildNotesDinner(db)).id }), body: () => ({ status: 'planned' }) },
  'GET /admin/themes': backOffice('admin'),
  'POST /admin/themes': { ...backOffice('admin'), body: () => ({ code: `matrix_${Math.random().toString(36).slice(2, 8).replace(/[0-9]/g, 'x')}`, label: 'Matrix' }) },
  'POST /admin/themes/:id': { ...backOffice('admin'), params: () => ({ id: 1 }), body: () => ({ label: 'Woning', position: '10' }) },
  'GET /ideas': everyone(),
  'GET /ideas/n/:neighbourhood': { ...everyone(), params: ({ db }) => ({ neighbourhood: (buildNotesDinner(db), 'Oost') }) },
  'GET /ideas/t/:token': { ...everyone(), params: ({ db }) => aNoteLinkToken(db) },
  'POST /ideas/t/:token': { ...everyone(), params: ({ db }) => aNoteLinkToken(db), body: () => ({ kind: 'idea', body: 'Matrix idea' }) },
  'POST /ideas/t/:token/updates': { ...everyone(), params: ({ db }) => aNoteLinkToken(db), body: () => ({ wanted: 'yes' }) },
  'GET /notes/report': backOffice('staff', 'admin'),
  'GET /admin/reference-figures': backOffice('admin'),
  'POST /admin/reference-figures': { ...backOffice('admin'), body: () => ({ neighbourhood: 'Oost', dimension: 'background', category: 'dutch', percent: '40' }) },

  // Scheduling (issue 4): organisers and admins plan venues and dinners; the public dinner page and calendar feeds are open.
  'GET /calendar.ics': everyone(),
  'GET /venues/:id/calendar.ics': { ...everyone(), params: ({ db }) => ({ id: buildRsvpDinner(db).venueId }) },
  'GET /dinners/:id': { ...everyone(), params: ({ db }) => ({ id: buildRsvpDinner(db).id }) },
  'GET /dinners/:id/calendar.ics': { ...everyone(), params: ({ db }) => ({ id: buildRsvpDinner(db).id }) },
  'GET /venues': backOffice('organiser', 'admin'),
  'GET /venues/new': backOffice('organiser', 'admin'),
  'POST /venues': backOffice('organiser', 'admin'),
  'GET /venues/find': backOffice('organiser', 'admin'),
  'GET /venues/:id': { ...backOffice('organiser', 'admin'), params: ({ db }) => ({ id: buildRsvpDinner(db).venueId }) },
  'GET /venues/:id/edit': { ...backOffice('organiser', 'admin'), params: ({ db }) => ({ id: buildRsvpDinner(db).venueId }) },
  'POST /venues/:id': { ...backOffice('organiser', 'admin'), params: ({ db }) => ({ id: buildRsvpDinner(db).venueId }) },
  'POST /venues/:id/archive': { ...backOffice('organiser', 'admin'), params: ({ db }) => ({ id: buildRsvpDinner(db).venueId }) },
  'POST /venues/:id/restore': { ...backOffice('organiser', 'admin'), params: ({ db }) => ({ id: buildRsvpDinner(db).venueId }) },
  'GET /agenda': backOffice('organiser', 'admin'),
  'GET /agenda/dinners/new': backOffice('organiser', 'admin'),
  'POST /agenda/dinners': backOffice('organiser', 'admin'),
  'GET /agenda/dinners/:id': { ...backOffice('organiser', 'admin'), params: ({ db }) => ({ id: buildRsvpDinner(db).id }) },
  'GET /agenda/dinners/:id/edit': { ...backOffice('organiser', 'admin'), params: ({ db }) => ({ id: buildRsvpDinner(db).id }) },
  'POST /agenda/dinners/:id': { ...backOffice('organiser', 'admin'), params: ({ db }) => ({ id: buildRsvpDinner(db).id }) },
  'POST /agenda/dinners/:id/cancel': { ...backOffice('organiser', 'admin'), params: ({ db }) => ({ id: buildRsvpDinner(db).id }), body: () => ({ reason: 'Matrix', scope: 'this' }) },
  'POST /agenda/dinners/:id/publish': { ...backOffice('organiser', 'admin'), params: ({ db }) => ({ id: buildRsvpDinner(db, { status: 'draft' }).id }) },
  'POST /agenda/dinners/:id/complete': { ...backOffice('organiser', 'admin'), params: ({ db }) => ({ id: buildRsvpDinner(db).id }) },
  // Residents and RSVP (issue 5): residents act through personal links; organisers, staff and admins manage.
  'GET /r/:token': { ...everyone(), params: aPersonalLink },
  'POST /r/:token': { ...everyone(), params: aPersonalLink, body: () => ({ answer: 'yes', people: '1' }) },
  'POST /r/:token/cancel': { ...everyone(), params: aPersonalLink },
  'GET /r/:token/data': { ...everyone(), params: aPersonalLink },
  'POST /r/:token/data/download': { ...everyone(), params: aPersonalLink },
  // Without the cookie set by the POST above, the prepared file is gone for every visitor.
  'GET /r/:token/data/download': { expect: { anonymous: 'gone', organiser: 'gone', staff: 'gone', admin: 'gone' }, params: aPersonalLink },
  'POST /r/:token/data/download/file': { expect: { anonymous: 'gone', organiser: 'gone', staff: 'gone', admin: 'gone' }, params: aPersonalLink },
  'POST /r/:token/consents/withdraw': { ...everyone(), params: aPersonalLink, body: () => ({ purpose: 'all' }) },
  'POST /r/:token/keep': { ...everyone(), params: aPersonalLink, body: () => ({ keep: 'yes' }) },
  'GET /r/:token/delete': { ...everyone(), params: aPersonalLink },
  'POST /r/:token/delete': { ...everyone(), params: aPersonalLink },
  'POST /r-new-link': { ...everyone(), body: () => ({ email: 'someone@test.example' }) },
  'GET /dinners/:id/join': { ...everyone(), params: ({ db }) => ({ id: buildNotesDinner(db).id }) },
  'POST /dinners/:id/join': { ...everyone(), params: ({ db }) => ({ id: buildNotesDinner(db).id }), body: () => ({ name: 'Nieuwe Buur', email: 'buur@test.example', people: '2' }) },
  'GET /join/:token': { ...everyone(), params: ({ db }) => ({ token: buildJoinToken(db, buildNotesDinner(db)) }) },
  'POST /join/:token': { ...everyone(), params: ({ db }) => ({ token: buildJoinToken(db, buildNotesDinner(db)) }) },
  'GET /admin/residents': backOffice('organiser', 'staff', 'admin'),
  'GET /admin/residents/new': backOffice('organiser', 'staff', 'admin'),
  'GET /admin/residents/import': backOffice('organiser', 'staff', 'admin'),
  'POST /admin/residents/lists': { ...backOffice('organiser', 'staff', 'admin'), body: () => ({ name: `Lijst ${Math.random().toString(36).slice(2)}` }) },
  'POST /admin/residents/import': backOffice('organiser', 'staff', 'admin'),
  'POST /admin/residents/import/confirm': { expect: { anonymous: 'login', organiser: 'gone', staff: 'gone', admin: 'gone' }, body: () => ({ previewId: 'unknown' }) },
  'POST /admin/residents': { ...backOffice('organiser', 'staff', 'admin'), body: () => ({ name: 'Matrix Bewoner', email: `m-${Math.random().toString(36).slice(2)}@test.example`, locale: 'nl', adults: '1', children: '0' }) },
  'GET /admin/residents/lists/:listId': { ...backOffice('organiser', 'staff', 'admin'), params: ({ db }) => ({ listId: buildResidentList(db).id }) },
  'POST /admin/residents/lists/:listId': { ...backOffice('organiser', 'staff', 'admin'), params: ({ db }) => ({ listId: buildResidentList(db).id }), body: () => ({ name: `Lijst ${Math.random().toString(36).slice(2)}` }) },
  'POST /admin/residents/lists/:listId/members': { ...backOffice('organiser', 'staff', 'admin'), params: ({ db }) => ({ listId: buildResidentList(db).id }), body: ({ db }) => ({ residentId: String(buildResident(db).id) }) },
  'POST /admin/residents/lists/:listId/members/:residentId/remove': {
    ...backOffice('organiser', 'staff', 'admin'),
    params: ({ db }) => {
      const resident = buildResident(db);
      return { listId: buildResidentList(db, [resident.id]).id, residentId: resident.id };
    },
  },
  'POST /admin/residents/lists/:listId/delete': { ...backOffice('organiser', 'staff', 'admin'), params: ({ db }) => ({ listId: buildResidentList(db).id }), body: () => ({ sure: 'on' }) },
  'GET /admin/residents/:id': { ...backOffice('organiser', 'staff', 'admin'), params: aResident },
  'POST /admin/residents/:id': { ...backOffice('organiser', 'staff', 'admin'), params: aResident, body: () => ({ name: 'Matrix Bewoner', email: `m-${Math.random().toString(36).slice(2)}@test.example`, locale: 'nl', adults: '1', children: '0' }) },
  'POST /admin/residents/:id/sensitive': { ...backOffice('organiser', 'staff', 'admin'), params: aResident, body: () => ({ consentDiet: 'on', diets: 'halal' }) },
  'POST /admin/residents/:id/answer': { ...backOffice('organiser', 'staff', 'admin'), params: aResident, body: ({ db }) => ({ dinnerId: String(buildNotesDinner(db).id), answer: 'yes', people: '1' }) },
  'POST /admin/residents/:id/export': { ...backOffice('organiser', 'staff', 'admin'), params: aResident },
  'POST /admin/residents/:id/delete': { ...backOffice('organiser', 'staff', 'admin'), params: aResident },
  'GET /agenda/dinners/:id/invite': { ...backOffice('organiser', 'staff', 'admin'), params: ({ db }) => ({ id: buildNotesDinner(db).id }) },
  'POST /agenda/dinners/:id/invite': { ...backOffice('organiser', 'staff', 'admin'), params: ({ db }) => ({ id: buildNotesDinner(db).id }), body: () => ({ kind: 'all' }) },
  'GET /agenda/dinners/:id/guests': { ...backOffice('organiser', 'staff', 'admin'), params: ({ db }) => ({ id: buildNotesDinner(db).id }) },
  'GET /agenda/dinners/:id/call-list': { ...backOffice('organiser', 'staff', 'admin'), params: ({ db }) => ({ id: buildNotesDinner(db).id }) },
  'GET /agenda/dinners/:id/door-list': { ...backOffice('organiser', 'staff', 'admin'), params: ({ db }) => ({ id: buildNotesDinner(db).id }) },
  'GET /agenda/dinners/:id/check-in': { ...backOffice('organiser', 'staff', 'admin'), params: ({ db }) => ({ id: buildNotesDinner(db).id }) },
  'POST /agenda/dinners/:id/check-in/:rsvpId': { ...backOffice('organiser', 'staff', 'admin'), params: aConfirmedRsvp, body: () => ({ value: 'arrived' }) },
  'POST /agenda/dinners/:id/walk-in': { ...backOffice('organiser', 'staff', 'admin'), params: ({ db }) => ({ id: buildNotesDinner(db).id }), body: () => ({ name: 'Binnenloper', people: '1' }) },

  // Matching: table plans per dinner, for organisers and admins.
  'GET /matching': backOffice('organiser', 'admin'),
  'GET /agenda/dinners/:id/plan': { ...backOffice('organiser', 'admin'), params: ({ db }) => ({ id: buildNotesDinner(db).id }) },
  'POST /agenda/dinners/:id/plan': { ...backOffice('organiser', 'admin'), params: ({ db }) => ({ id: buildNotesDinner(db).id }) },
  'POST /agenda/dinners/:id/plan/move': { ...backOffice('organiser', 'admin'), params: ({ db }) => ({ id: buildNotesDinner(db).id }), body: () => ({ household: '1', table: 'none' }) },
  'POST /agenda/dinners/:id/plan/swap': { ...backOffice('organiser', 'admin'), params: ({ db }) => ({ id: buildNotesDinner(db).id }), body: () => ({ household: '1', other: '2' }) },
  'POST /agenda/dinners/:id/plan/pin': { ...backOffice('organiser', 'admin'), params: ({ db }) => ({ id: buildNotesDinner(db).id }), body: () => ({ household: '1', pinned: '1' }) },
  'POST /agenda/dinners/:id/plan/lock': { ...backOffice('organiser', 'admin'), params: ({ db }) => ({ id: buildNotesDinner(db).id }) },
  'GET /agenda/dinners/:id/plan/print': { ...backOffice('organiser', 'admin'), params: ({ db }) => ({ id: buildNotesDinner(db).id }) },
  'GET /agenda/dinners/:id/plan/place-cards': { ...backOffice('organiser', 'admin'), params: ({ db }) => ({ id: buildNotesDinner(db).id }) },
  'GET /agenda/dinners/:id/plan/kitchen': { ...backOffice('organiser', 'admin'), params: ({ db }) => ({ id: buildNotesDinner(db).id }) },
  'GET /agenda/dinners/:id/home-dinners': { ...backOffice('organiser', 'admin'), params: ({ db }) => ({ id: buildNotesDinner(db).id }) },
  'POST /agenda/dinners/:id/home-dinners': { ...backOffice('organiser', 'admin'), params: ({ db }) => ({ id: buildNotesDinner(db).id }), body: () => ({ maxDistanceKm: '3' }) },
  'POST /agenda/dinners/:id/home-dinners/invite': { ...backOffice('organiser', 'admin'), params: ({ db, now }) => ({ id: buildHomeRoundLink(db, now).dinner.id }) },
  'POST /agenda/dinners/:id/home-dinners/match': { ...backOffice('organiser', 'admin'), params: ({ db, now }) => ({ id: buildHomeRoundLink(db, now).dinner.id }) },
  'POST /agenda/dinners/:id/home-dinners/confirm': { ...backOffice('organiser', 'admin'), params: ({ db }) => ({ id: buildNotesDinner(db).id }) },
  'GET /r/:token/home': { ...everyone(), params: ({ db, now }) => ({ token: buildHomeRoundLink(db, now).token }) },
  'POST /r/:token/home': { ...everyone(), params: ({ db, now }) => ({ token: buildHomeRoundLink(db, now).token }), body: () => ({ role: 'guest', people: '1', postcode: '3512 AB' }) },
};

function aNoteLinkToken(db: Db) {
  const dinner = buildNotesDinner(db);
  return { token: noteLinkPath(db, dinner.id, buildAttendee(db, dinner).id).split('/').pop()! };
}

function aPersonalLink({ db, now }: MatrixContext) {
  return { token: personalLink(db, buildResident(db).id, buildNotesDinner(db), now).split('/').pop()! };
}

function aResident({ db }: MatrixContext) {
  return { id: buildResident(db).id };
}

function aConfirmedRsvp({ db }: MatrixContext) {
  const dinner = buildNotesDinner(db);
  return { id: dinner.id, rsvpId: buildConfirmedRsvp(db, dinner).id };
}
