/** A background thread for background-threads.test.ts: records that it ran, then dies as a crash would. */
import fs from 'node:fs';
import { threadData } from '../../src/lib/threads.ts';

fs.appendFileSync(threadData<{ file: string }>().file, 'started\n');
process.exit(3);
