import type { Transporter } from 'nodemailer';
import type { Db } from '../../db/client.ts';
import type { OutboxRow } from '../../db/schema.ts';
import { claimDueMessages, markFailed, markRetry, markSent, type MailAttachment } from './outbox.service.ts';

/** Minutes to wait after attempt N fails (then the last value repeats) before trying again. */
const BACKOFF_MINUTES = [0.5, 2, 10, 30, 60, 120, 240];
export const MAX_ATTEMPTS = 10;

export function defaultBackoffMs(attempt: number, random: () => number = Math.random): number {
  const minutes = BACKOFF_MINUTES[Math.min(attempt, BACKOFF_MINUTES.length) - 1] ?? 240;
  const jitter = 0.9 + random() * 0.2; // ±10 %, so a recovered server is not hit by every retry at once
  return Math.round(minutes * 60_000 * jitter);
}

export type OutboxWorkerOptions = {
  db: Db;
  /** Null delivers to the in-app mailbox (development without SMTP_URL). */
  transport: Transporter | null;
  from: string;
  now: () => Date;
  backoffMs?: (attempt: number) => number;
  pollMs?: number;
  leaseMs?: number;
  batchSize?: number;
  log?: (message: string) => void;
};

/** SMTP 5xx replies are permanent (unknown mailbox, refused address): retrying cannot help. */
function isPermanentFailure(error: unknown): boolean {
  const code = (error as { responseCode?: unknown })?.responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}

function describeError(error: unknown): string {
  if (error instanceof Error) return error.message.replace(/[\r\n]+/g, ' ');
  return String(error);
}

/**
 * Delivers queued mail after commit. Each message is claimed with a lease, sent, then marked;
 * a crash between send and mark resends it once with the same Message-ID.
 */
export function createOutboxWorker(options: OutboxWorkerOptions) {
  const backoffMs = options.backoffMs ?? ((attempt: number) => defaultBackoffMs(attempt));
  const pollMs = options.pollMs ?? 1000;
  const leaseMs = options.leaseMs ?? 5 * 60_000;
  const batchSize = options.batchSize ?? 20;
  const log = options.log ?? ((message: string) => console.log(message));
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  let stopped = true;

  async function deliver(row: OutboxRow): Promise<void> {
    if (!options.transport) {
      markSent(options.db, row.id, options.now());
      return;
    }
    const attachments = row.attachments ? (JSON.parse(row.attachments) as MailAttachment[]) : [];
    try {
      await options.transport.sendMail({
        from: options.from,
        to: row.toAddress,
        subject: row.subject,
        html: row.html,
        text: row.text,
        messageId: row.messageId,
        attachments: attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, content: a.content })),
      });
      markSent(options.db, row.id, options.now());
    } catch (error) {
      const reason = describeError(error);
      if (isPermanentFailure(error) || row.attempts >= MAX_ATTEMPTS) {
        markFailed(options.db, row.id, reason);
        log(`mail ${row.id} failed after ${row.attempts} attempt(s): ${reason}`);
      } else {
        markRetry(options.db, row.id, new Date(options.now().getTime() + backoffMs(row.attempts)), reason);
      }
    }
  }

  /** Delivers everything due now; returns how many messages were attempted. */
  async function runOnce(): Promise<number> {
    const rows = claimDueMessages(options.db, options.now(), leaseMs, batchSize);
    for (const row of rows) await deliver(row);
    return rows.length;
  }

  async function tick(): Promise<void> {
    try {
      running = runOnce();
      const count = await running;
      if (!stopped) timer = setTimeout(() => void tick(), count === batchSize ? 0 : pollMs);
    } catch (error) {
      log(`outbox worker error: ${describeError(error)}`);
      if (!stopped) timer = setTimeout(() => void tick(), pollMs);
    } finally {
      running = undefined;
    }
  }

  return {
    runOnce,
    start() {
      if (!stopped) return;
      stopped = false;
      timer = setTimeout(() => void tick(), 0);
    },
    /** Stops polling and waits for a delivery in progress to finish and be recorded. */
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      if (running) await running.catch(() => undefined);
    },
  };
}
export type OutboxWorker = ReturnType<typeof createOutboxWorker>;
