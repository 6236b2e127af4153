import type { Transporter } from 'nodemailer';
import type { Db } from '../../db/client.ts';
import type { OutboxRow } from '../../db/schema.ts';
import type { RenderMail } from './mail-renderer.ts';
import { claimDueMessages, clearOldMailBodies, composeQueuedMail, deliverToMailbox, markFailed, markRetry, markSent, withoutLinkTokens, type MailAttachment } from './outbox.service.ts';

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
  /** Composes queued mails before they are sent (composeQueuedMail). */
  renderMail: RenderMail;
  /** Null delivers to the in-app mailbox (development without SMTP_URL). */
  transport: Transporter | null;
  from: string;
  now: () => Date;
  /** Wait after failed attempt N before the next one; default: the BACKOFF_MINUTES table with ±10 % jitter. */
  backoffMs?: (attempt: number) => number;
  /** Pause between polls when the queue is empty. */
  pollMs?: number;
  /** How long a claimed message is reserved for one delivery attempt; must outlast the SMTP timeouts. */
  leaseMs?: number;
  /** At most this many messages per runOnce(). */
  batchSize?: number;
  /**
   * Messages in flight at the same time. 1 (the default) suits a plain transport, which opens a
   * connection per message; use more with a pooled transport (`pool: true`, `maxConnections`).
   */
  concurrency?: number;
  /** How often the polling loop runs the retention job (clearOldMailBodies). Default: hourly. */
  retentionIntervalMs?: number;
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
  // nodemailer gives up on a silent socket after 10 minutes; the lease has to last longer, or a
  // slow attempt would be claimed (and sent) a second time by another worker meanwhile.
  const leaseMs = options.leaseMs ?? 15 * 60_000;
  const batchSize = options.batchSize ?? 20;
  const concurrency = Math.max(1, options.concurrency ?? 1);
  const retentionIntervalMs = options.retentionIntervalMs ?? 60 * 60_000;
  const log = options.log ?? ((message: string) => console.log(message));
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  let stopped = true;
  let lastRetentionAt = Number.NEGATIVE_INFINITY;

  async function deliver(row: OutboxRow): Promise<void> {
    if (!options.transport) {
      // Without SMTP the mailbox page is the delivery (development, demo): its links must work.
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
    } catch (error) {
      const reason = describeError(error);
      if (isPermanentFailure(error) || row.attempts >= MAX_ATTEMPTS) {
        markFailed(options.db, row.id, reason, options.now(), row.attempts);
        log(`mail ${row.id} failed after ${row.attempts} attempt(s): ${reason}`);
      } else {
        markRetry(options.db, row.id, new Date(options.now().getTime() + backoffMs(row.attempts)), reason, row.attempts);
      }
      return;
    }
    // Outside the try: a failure to record the delivery must not be taken for an SMTP failure
    // (that would queue a delivered message again). The lease runs out and at most one resend
    // follows, with the same Message-ID.
    markSent(options.db, row.id, options.now(), withoutLinkTokens(row));
  }

  /**
   * Delivers what is due now, up to batchSize messages, `concurrency` at a time; returns how many
   * messages were attempted. Each message is claimed just before it is sent, so its lease
   * covers one attempt and never a wait in a local queue.
   */
  async function runOnce(): Promise<number> {
    composeQueuedMail(options.db, options.renderMail, options.now(), batchSize);
    let attempted = options.transport ? 0 : deliverToMailbox(options.db, options.now(), batchSize);
    const lane = async () => {
      while (attempted < batchSize) {
        const [row] = claimDueMessages(options.db, options.now(), leaseMs, 1);
        if (!row) return;
        attempted += 1;
        await deliver(row);
      }
    };
    // allSettled: every lane finishes recording its attempt before runOnce (and stop()) returns.
    const lanes = await Promise.allSettled(Array.from({ length: concurrency }, lane));
    const failure = lanes.find((result) => result.status === 'rejected');
    if (failure) throw failure.reason;
    return attempted;
  }

  /** The retention job rides on the polling loop, at most once per retentionIntervalMs. */
  function runRetentionWhenDue(): void {
    const now = options.now();
    if (now.getTime() - lastRetentionAt < retentionIntervalMs) return;
    lastRetentionAt = now.getTime();
    const cleared = clearOldMailBodies(options.db, now);
    if (cleared > 0) log(`outbox retention: cleared the bodies of ${cleared} mail(s) sent more than 30 days ago`);
  }

  async function tick(): Promise<void> {
    try {
      runRetentionWhenDue();
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
