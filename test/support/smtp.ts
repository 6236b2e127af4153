import { simpleParser, type ParsedMail } from 'mailparser';
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';

/** Where in the SMTP dialogue a scripted failure answers. */
export type SmtpStage = 'connect' | 'mail' | 'rcpt' | 'data';
export type SmtpFault = { code: number; stage: SmtpStage; message?: string };

export type ReceivedMail = {
  /** The message exactly as it crossed the wire (headers and body, CRLF line ends). */
  raw: string;
  /** The raw header block, up to the first empty line. */
  rawHeaders: string;
  parsed: ParsedMail;
  envelope: { from: string; to: string[] };
};

export type SmtpStats = {
  /** TCP connections that reached the SMTP dialogue (accepted or answered with a refusal). */
  connections: number;
  /** Connections turned away because the concurrent-connection limit was reached. */
  overLimit: number;
  /** The highest number of sessions open at the same time. */
  peakSessions: number;
  /** Scripted failure replies given (421/451/452/550…). */
  faults: number;
};

export type TestSmtpServer = {
  host: string;
  port: number;
  received: ReceivedMail[];
  stats: SmtpStats;
  /** Options for nodemailer.createTransport: plain SMTP on loopback, no TLS, no auth. */
  transportOptions(): { host: string; port: number; secure: false; ignoreTLS: true };
  /** Answers the next `times` attempts at `fault.stage` with `fault.code`. */
  failNext(times: number, fault: SmtpFault): void;
  /** Stops listening: new connections get ECONNREFUSED, as with a server that is down. */
  refuseConnections(): Promise<void>;
  /** Listens again on the same port. */
  acceptConnections(): Promise<void>;
  /** Called after a message was received and before the server answers 250. */
  onMessage(listener: ((mail: ReceivedMail) => void | Promise<void>) | null): void;
  close(): Promise<void>;
};

const HOST = '127.0.0.1';

function smtpError(fault: SmtpFault): Error & { responseCode: number } {
  const error = new Error(fault.message ?? `Scripted failure ${fault.code}`) as Error & { responseCode: number };
  error.responseCode = fault.code;
  return error;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/**
 * A real SMTP server on 127.0.0.1 (port chosen by the OS) for delivery tests. It stores every
 * message raw and parsed, and can be told to refuse connections, answer with failure codes for a
 * number of attempts, or allow only `maxSessions` connections at a time (the rest get 421).
 */
export async function startSmtpServer(options: { maxSessions?: number } = {}): Promise<TestSmtpServer> {
  const received: ReceivedMail[] = [];
  const stats: SmtpStats = { connections: 0, overLimit: 0, peakSessions: 0, faults: 0 };
  const faults: SmtpFault[] = [];
  const openSessions = new Set<string>();
  let messageListener: ((mail: ReceivedMail) => void | Promise<void>) | null = null;

  /** Takes the next scripted fault if it belongs to this stage. */
  function faultAt(stage: SmtpStage): Error | null {
    const next = faults[0];
    if (!next || next.stage !== stage) return null;
    faults.shift();
    stats.faults += 1;
    return smtpError(next);
  }

  const server = new SMTPServer({
    logger: false,
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    disableReverseLookup: true,
    closeTimeout: 200,
    onConnect(session: SMTPServerSession, callback) {
      stats.connections += 1;
      if (options.maxSessions !== undefined && openSessions.size >= options.maxSessions) {
        stats.overLimit += 1;
        return callback(smtpError({ code: 421, stage: 'connect', message: 'Too many connections, try again later' }));
      }
      const fault = faultAt('connect');
      if (fault) return callback(fault);
      openSessions.add(session.id);
      stats.peakSessions = Math.max(stats.peakSessions, openSessions.size);
      callback();
    },
    onClose(session: SMTPServerSession) {
      openSessions.delete(session.id);
    },
    onMailFrom(_address, _session, callback) {
      callback(faultAt('mail'));
    },
    onRcptTo(_address, _session, callback) {
      callback(faultAt('rcpt'));
    },
    onData(stream, session, callback) {
      readAll(stream)
        .then(async (buffer) => {
          const fault = faultAt('data');
          if (fault) return callback(fault);
          const raw = buffer.toString('utf8');
          const headerEnd = raw.indexOf('\r\n\r\n');
          const mail: ReceivedMail = {
            raw,
            rawHeaders: headerEnd === -1 ? raw : raw.slice(0, headerEnd),
            parsed: await simpleParser(buffer),
            envelope: {
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
            },
          };
          received.push(mail);
          if (messageListener) await messageListener(mail);
          callback();
        })
        .catch((error: unknown) => callback(error as Error));
    },
  });

  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.server.once('error', reject);
      server.server.listen(port, HOST, () => {
        server.server.off('error', reject);
        resolve((server.server.address() as AddressInfo).port);
      });
    });

  const port = await listen(0);

  return {
    host: HOST,
    port,
    received,
    stats,
    transportOptions: () => ({ host: HOST, port, secure: false, ignoreTLS: true }),
    failNext(times, fault) {
      for (let i = 0; i < times; i++) faults.push(fault);
    },
    async refuseConnections() {
      if (!server.server.listening) return;
      // close() stops accepting at once; its callback waits for open sessions, which we don't need.
      server.server.close();
    },
    async acceptConnections() {
      if (server.server.listening) return;
      await listen(port);
    },
    onMessage(listener) {
      messageListener = listener;
    },
    close() {
      return new Promise<void>((resolve) => {
        if (!server.server.listening) {
          for (const connection of server.connections) connection.close();
          resolve();
          return;
        }
        server.close(() => resolve());
      });
    },
  };
}
