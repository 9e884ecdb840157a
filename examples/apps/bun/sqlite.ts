// bun:sqlite: an in-memory database made after lockdown, and a database file made and opened
// before it — read-write under lockdown() (new rows, so a journal file is created), opened
// read-only under readOnlyFs, where no new file may be made. A WAL-mode database opened
// before lockdown keeps taking writes in every mode: its -wal and -shm files are already open
// (appends, a shared mapping, and a checkpoint that truncates the log).
import { Database } from 'bun:sqlite';
import { check, mode, runApp, tmp } from '../lib/child.mjs';
import { probes, seccomp } from './probes.ts';

await runApp({
  seccomp,
  probes,
  setup() {
    const path = `${tmp}/app.db`;
    const seed = new Database(path, { create: true });
    seed.run('CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT NOT NULL)');
    const insert = seed.prepare('INSERT INTO item (name) VALUES (?)');
    seed.transaction(() => {
      for (let i = 0; i < 100; i++) insert.run(`item ${i}`);
    })();
    seed.close();
    const wal = new Database(`${tmp}/wal.db`, { create: true });
    wal.run('PRAGMA journal_mode = WAL');
    wal.run('CREATE TABLE event (n INTEGER)');
    wal.run('INSERT INTO event VALUES (0)');
    return { db: new Database(path, { readonly: mode === 'readonly' }), wal };
  },
  async exercise({ db, wal }) {
    await check('in-memory database made after lockdown', () => {
      const mem = new Database(':memory:');
      mem.run('CREATE TABLE t (n INTEGER)');
      const insert = mem.prepare('INSERT INTO t VALUES (?)');
      mem.transaction(() => {
        for (let i = 1; i <= 1000; i++) insert.run(i);
      })();
      const { total } = mem.query('SELECT sum(n) AS total FROM t').get() as { total: number };
      mem.close();
      if (total !== 500_500) throw new Error(`sum ${total}`);
    });
    await check(`file opened before lockdown${mode === 'readonly' ? ' (read-only)' : ''}: queries`, () => {
      const { n } = db.query('SELECT count(*) AS n FROM item').get() as { n: number };
      const row = db.query('SELECT name FROM item WHERE id = ?').get(42) as { name: string };
      if (n !== 100 || row.name !== 'item 41') throw new Error(`count ${n}, row ${row?.name}`);
    });
    await check('WAL database opened before lockdown: writes and a checkpoint', () => {
      const insert = wal.prepare('INSERT INTO event VALUES (?)');
      wal.transaction(() => {
        for (let i = 1; i <= 2000; i++) insert.run(i);
      })();
      wal.run('PRAGMA wal_checkpoint(TRUNCATE)');
      const { n } = wal.query('SELECT count(*) AS n FROM event').get() as { n: number };
      if (n !== 2001) throw new Error(`count ${n}`);
    });
    if (mode !== 'readonly') {
      await check('file opened before lockdown: a transaction writes rows', () => {
        const insert = db.prepare('INSERT INTO item (name) VALUES (?)');
        db.transaction(() => {
          for (let i = 0; i < 10; i++) insert.run(`late ${i}`);
        })();
        const { n } = db.query('SELECT count(*) AS n FROM item').get() as { n: number };
        if (n !== 110) throw new Error(`count ${n}`);
      });
    }
  },
});
