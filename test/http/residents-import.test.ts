import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { residents } from '../../src/features/residents/residents.schema.ts';
import { makeTestApp } from '../support/app.ts';
import { browserAgent, buildUser } from '../support/builders.ts';
import { buildResident } from '../support/rsvp-builders.ts';

async function importPage() {
  const world = makeTestApp();
  const user = await buildUser(world.db, { roles: ['organiser'] });
  const browser = browserAgent(world.app);
  await browser.signIn(user);
  const page = await browser.get('/admin/residents/import');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
  const upload = (data: Buffer, filename: string) => browser.agent.post('/admin/residents/import').field('_csrf', csrf).attach('file', data, filename);
  return { ...world, browser, upload };
}

const CSV = [
  'name;email;phone;postcode;neighbourhood;adults;children;locale',
  'Ayla Demir;ayla@example.org;;3512 AB;Oost;2;1;tr',
  'Piet Jansen;;06-12345678;3512AB;Oost;1;0;nl',
  ';nobody@example.org;;;;1;0;nl',
  'Dubbel;AYLA@example.org;;;;1;0;nl',
  'Groot gezin;groot@example.org;;;;30;10;nl',
  'Bestaand;known@example.org;;;;1;0;nl',
].join('\r\n');

describe('POST /admin/residents/import', () => {
  it('previews a CSV, reporting every bad row and duplicate by line and field, and saves nothing yet', async () => {
    const { db, upload } = await importPage();
    buildResident(db, { email: 'known@example.org' });

    const res = await upload(Buffer.from('\uFEFF' + CSV, 'utf8'), 'bewoners.csv');

    expect(res.status).toBe(200);
    expect(res.text).toContain('2 rijen kunnen worden geïmporteerd, 4 rijen hebben problemen');
    expect(res.text).toMatch(/<td>4<\/td><td>Naam<\/td><td>Vul dit veld in.<\/td>/);
    expect(res.text).toMatch(/<td>5<\/td><td>E-mailadres<\/td><td>Zelfde email als regel 2<\/td>/);
    expect(res.text).toMatch(/<td>6<\/td><td>Volwassenen<\/td>/);
    expect(res.text).toMatch(/<td>7<\/td><td>E-mailadres<\/td><td>Er is al een bewoner met dit email<\/td>/);
    expect(db.select().from(residents).all()).toHaveLength(1);
  });

  it('saves the valid rows only after confirmation, all at once', async () => {
    const { db, browser, upload } = await importPage();
    const preview = await upload(Buffer.from(CSV, 'utf8'), 'bewoners.csv');
    const previewId = /name="previewId" value="([^"]+)"/.exec(preview.text)![1]!;

    const res = await browser.post('/admin/residents/import/confirm', { previewId });
    const again = await browser.post('/admin/residents/import/confirm', { previewId });

    expect(res.status).toBe(303);
    expect(again.status).toBe(410);
    const saved = db.select().from(residents).all();
    expect(saved.map((r) => [r.name, r.email, r.phone, r.postcode, r.locale, r.source])).toEqual([
      ['Ayla Demir', 'ayla@example.org', null, '3512 AB', 'tr', 'import'],
      ['Piet Jansen', null, '0612345678', '3512 AB', 'nl', 'import'],
      ['Bestaand', 'known@example.org', null, '', 'nl', 'import'],
    ]);
  });

  it('reads an optional birth year column and reports a bad year by line, like the other columns', async () => {
    const { db, browser, upload } = await importPage();
    const csv = ['naam;email;geboortejaar', 'Ayla Demir;ayla@example.org;1958', 'Piet Jansen;piet@example.org;', 'Te vroeg;vroeg@example.org;1899', 'Te laat;laat@example.org;2031'].join('\r\n');

    const preview = await upload(Buffer.from(csv, 'utf8'), 'bewoners.csv');
    const previewId = /name="previewId" value="([^"]+)"/.exec(preview.text)![1]!;
    await browser.post('/admin/residents/import/confirm', { previewId });

    expect(preview.text).toMatch(/<td>4<\/td><td>Geboortejaar<\/td><td>Vul een geboortejaar in tussen 1900 en dit jaar/);
    expect(preview.text).toMatch(/<td>5<\/td><td>Geboortejaar<\/td>/);
    expect(db.select({ name: residents.name, birthYear: residents.birthYear }).from(residents).all()).toEqual([
      { name: 'Ayla Demir', birthYear: 1958 },
      { name: 'Piet Jansen', birthYear: null },
    ]);
  });

  it('reads an XLSX file the same way', async () => {
    const { upload } = await importPage();
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Bewoners');
    sheet.addRow(['Naam', 'E-mail', 'Buurt']);
    sheet.addRow(['Olena Koval', 'olena@example.org', 'West']);
    sheet.addRow(['Zonder contact', '', 'West']);
    const data = Buffer.from(await workbook.xlsx.writeBuffer());

    const res = await upload(data, 'bewoners.xlsx');

    expect(res.status).toBe(200);
    expect(res.text).toContain('1 rijen kunnen worden geïmporteerd, 1 rijen hebben problemen');
    expect(res.text).toContain('Olena Koval');
  });

  it.each([
    [Buffer.from('name;email\nJos\xe9;jose@example.org\n', 'latin1'), 'latin1.csv', 'geen UTF-8-tekst'],
    [Buffer.from('voornaam;adres\nJan;Kerkstraat 1\n', 'utf8'), 'columns.csv', 'mist de kolom(men): name, email/phone'],
    [Buffer.from('', 'utf8'), 'empty.csv', 'geen rijen'],
  ])('answers 422 with a clear message and saves nothing for a broken file (%s)', async (data, filename, message) => {
    const { db, upload } = await importPage();

    const res = await upload(data, filename);

    expect(res.status).toBe(422);
    expect(res.text).toContain(message);
    expect(db.select().from(residents).all()).toHaveLength(0);
  });

  it('refuses an upload without the CSRF token', async () => {
    const { db, browser } = await importPage();

    const res = await browser.agent.post('/admin/residents/import').attach('file', Buffer.from(CSV), 'bewoners.csv');

    expect(res.status).toBe(403);
    expect(db.select().from(residents).all()).toHaveLength(0);
  });
});
