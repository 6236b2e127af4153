import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { createGroupCommit, openDatabase, type Db } from '../../src/db/client.ts';

let dir: string | undefined;
afterEach(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

function fileDatabase(): { db: Db; file: string } {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aanschuiftafel-group-commit-'));
  const file = path.join(dir, 'app.sqlite');
  const db = openDatabase(file);
  db.run(sql`create table parent (id integer primary key)`);
  db.run(sql`create table piece (name text not null, parent_id integer references parent (id) deferrable initially deferred)`);
  return { db, file };
}

const names = (db: Db) => db.all<{ name: string }>(sql`select name from piece order by name`).map((row) => row.name);

describe('group commit', () => {
  it('stores the pieces handed over together, and rolls back only the one that throws, which alone is rejected', async () => {
    const { db } = fileDatabase();
    const commits = createGroupCommit(db);

    const results = await Promise.allSettled([
      commits.run((tx) => tx.run(sql`insert into piece (name) values ('a')`).changes),
      commits.run((tx) => {
        tx.run(sql`insert into piece (name) values ('b')`);
        throw new Error('b is refused');
      }),
      commits.run((tx) => tx.run(sql`insert into piece (name) values ('c')`).changes),
    ]);

    expect(results).toEqual([
      { status: 'fulfilled', value: 1 },
      { status: 'rejected', reason: new Error('b is refused') },
      { status: 'fulfilled', value: 1 },
    ]);
    expect(names(db)).toEqual(['a', 'c']);
  });

  it('settles nothing before the commit: another connection sees no piece until the promises settle', async () => {
    const { db, file } = fileDatabase();
    const reader = openDatabase(file);
    const commits = createGroupCommit(db);
    const settled: string[] = [];

    const pending = ['a', 'b'].map((name) => commits.run((tx) => tx.run(sql`insert into piece (name) values (${name})`)).then(() => settled.push(name)));
    expect(settled).toEqual([]);
    expect(names(reader)).toEqual([]);
    await Promise.all(pending);

    expect(names(reader)).toEqual(['a', 'b']);
    reader.$client.close();
  });

  it('commits the pieces of one batch together: when the commit fails, every piece is rejected and none is stored', async () => {
    const { db } = fileDatabase();
    const commits = createGroupCommit(db);

    // A deferred foreign key is checked at COMMIT, after every piece has finished well.
    const results = await Promise.allSettled([
      commits.run((tx) => tx.run(sql`insert into piece (name) values ('a')`)),
      commits.run((tx) => tx.run(sql`insert into piece (name, parent_id) values ('orphan', 42)`)),
      commits.run((tx) => tx.run(sql`insert into piece (name) values ('c')`)),
    ]);

    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(names(db)).toEqual([]);
  });

  it('rejects every piece with the error that ended the transaction when SQLite rolled the whole of it back', async () => {
    const { db } = fileDatabase();
    const commits = createGroupCommit(db);
    const diskFull = Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });

    const results = await Promise.allSettled([
      commits.run((tx) => tx.run(sql`insert into piece (name) values ('a')`)),
      commits.run(() => {
        // What SQLite does on its own after SQLITE_FULL or an I/O error: the transaction is gone.
        db.$client.exec('ROLLBACK');
        throw diskFull;
      }),
      commits.run((tx) => tx.run(sql`insert into piece (name) values ('c')`)),
    ]);

    expect(results).toEqual([0, 1, 2].map(() => ({ status: 'rejected', reason: diskFull })));
    expect(names(db)).toEqual([]);
  });

  it('splits a long queue into batches of at most maxBatch and stores every piece', async () => {
    const { db } = fileDatabase();
    const commits = createGroupCommit(db, 4);

    await Promise.all(Array.from({ length: 10 }, (_, i) => commits.run((tx) => tx.run(sql`insert into piece (name) values (${`p${String(i).padStart(2, '0')}`})`))));

    expect(names(db)).toEqual(Array.from({ length: 10 }, (_, i) => `p${String(i).padStart(2, '0')}`));
  });
});
