// A child process for the crash test (TEST-PLAN B1/B2): commits one audit event plus one outbox mail
// per transaction, as a booking does, and acknowledges each id on stdout only after the commit.
// The parent kills it with SIGKILL at a random moment; the file must hold every acknowledged id.
// Arguments: file, first id, then 'NORMAL' or 'FULL' (synchronous, B2), and 'ack-first' for the
// control that acknowledges before committing (the protection turned off, so the parent must see a loss).
import { openDatabase } from '../../src/db/client.ts';
import { recordAudit } from '../../src/features/audit/audit.service.ts';
import { createMailer } from '../../src/features/mail/outbox.service.ts';

const [file, start, synchronous = 'NORMAL', mode = 'safe'] = process.argv.slice(2);
const baseUrl = 'http://127.0.0.1:3999';
const db = openDatabase(file!);
db.$client.pragma(`synchronous = ${synchronous === 'FULL' ? 'FULL' : 'NORMAL'}`);
const mailer = createMailer(baseUrl);
const now = new Date('2030-01-10T12:00:00Z');
const ackFirst = mode === 'ack-first';

process.stdout.write('ready\n');
for (let id = Number(start); ; id++) {
  // Writes to a pipe are synchronous on Linux: once this returns, the parent can read the ack.
  if (ackFirst) process.stdout.write(`${id}\n`);
  db.transaction((tx) => {
    recordAudit(tx, { actorUserId: null, action: 'crash.write', objectType: 'round', objectId: id }, now);
    mailer.enqueue(tx, { to: `r${id}@test.example`, locale: 'nl', template: 'invitation', locals: { name: `R${id}`, inviter: 'A', link: `${baseUrl}/x` }, dedupeKey: `crash-${id}` }, now);
  }, { behavior: 'immediate' });
  if (!ackFirst) process.stdout.write(`${id}\n`);
}
