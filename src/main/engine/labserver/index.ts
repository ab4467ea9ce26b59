/**
 * The built-in lab mail server: one SMTP listener (smtp.ts) and one POP3 listener (pop3.ts) on a
 * loopback address, sharing one mailbox store (mailbox.ts), so that a student can send a mail over
 * SMTP and read it back over POP3 while capturing both. Plain Node: no Electron.
 *
 * Only loopback addresses are accepted for `host` (127.0.0.0/8 or ::1); a lab server never listens on
 * a real interface.
 */
import { DEFAULT_ACCOUNTS, type LabAccount } from './accounts';
import { createMailboxStore, type MailboxStore } from './mailbox';
import { startLabPop3, type LabPop3Server } from './pop3';
import { assertLoopback, startLabSmtp, type LabSmtpServer } from './smtp';

export { DEFAULT_ACCOUNTS, LAB_DOMAIN, findAccountByAddress, findAccountByLogin, type LabAccount } from './accounts';
export { createMailboxStore, normalizeCrlf, type MailboxStore, type StoredMessage } from './mailbox';
export { dotStuff, startLabPop3, topOfMessage, type LabPop3Options, type LabPop3Server, type Pop3State } from './pop3';
export { assertLoopback, startLabSmtp, type LabSmtpOptions, type LabSmtpServer } from './smtp';

/** LabServerOptions configures startLabServer; every field is optional. */
export interface LabServerOptions {
  /** loopback address to bind, default 127.0.0.1 (use ::1 for IPv6). */
  host?: string;
  /** SMTP port, default 2525; 0 for an ephemeral port. */
  smtpPort?: number;
  /** POP3 port, default 1110; 0 for an ephemeral port. */
  popPort?: number;
  /** accounts, default DEFAULT_ACCOUNTS (student/lab0418, teacher/lab0418). */
  accounts?: LabAccount[];
  /** directory of a persistent mailbox store; omitted = in memory. */
  storeDir?: string;
  /** an existing store to share (e.g. one server on 127.0.0.1 and one on ::1); overrides storeDir. */
  mailbox?: MailboxStore;
  /** POP3 idle timeout in ms (default 10 minutes). */
  popIdleTimeoutMs?: number;
  /** SMTP idle timeout in ms (default 5 minutes). */
  smtpIdleTimeoutMs?: number;
}

/** LabServerStatus is a snapshot for the UI's status line. */
export interface LabServerStatus {
  running: boolean;
  host: string;
  smtpPort: number;
  popPort: number;
  smtpConnections: number;
  popConnections: number;
  /** accounts whose POP3 mailbox is locked by an open session. */
  popLockedAccounts: string[];
  /** messages currently stored, per account. */
  messages: Record<string, number>;
  /** mails accepted over SMTP since start. */
  delivered: number;
  /** storeDir, or undefined for an in-memory store. */
  storeDir: string | undefined;
  startedAt: string;
}

/** LabServer is a running lab mail server. */
export interface LabServer {
  readonly host: string;
  readonly smtpPort: number;
  readonly popPort: number;
  readonly accounts: readonly LabAccount[];
  /** mailbox is the shared store (tests inspect it; the UI may list it). */
  readonly mailbox: MailboxStore;
  status(): LabServerStatus;
  /** close stops both listeners and drops open connections. Idempotent. */
  close(): Promise<void>;
}

/** startLabServer starts SMTP and POP3 on a loopback address and resolves once both listen. */
export async function startLabServer(opts: LabServerOptions = {}): Promise<LabServer> {
  const host = opts.host ?? '127.0.0.1';
  assertLoopback(host);
  const accounts: readonly LabAccount[] = Object.freeze((opts.accounts ?? DEFAULT_ACCOUNTS).map((a) => ({ ...a })));
  const mailbox = opts.mailbox ?? createMailboxStore({ dir: opts.storeDir });
  const startedAt = new Date().toISOString();
  const smtp: LabSmtpServer = await startLabSmtp({
    host,
    port: opts.smtpPort ?? 2525,
    accounts,
    mailbox,
    socketTimeoutMs: opts.smtpIdleTimeoutMs,
  });
  let pop: LabPop3Server;
  try {
    pop = await startLabPop3({ host, port: opts.popPort ?? 1110, accounts, mailbox, idleTimeoutMs: opts.popIdleTimeoutMs });
  } catch (err) {
    await smtp.close();
    throw err;
  }
  let closing: Promise<void> | undefined;
  let running = true;
  return {
    host,
    smtpPort: smtp.port,
    popPort: pop.port,
    accounts,
    mailbox,
    status: () => ({
      running,
      host,
      smtpPort: smtp.port,
      popPort: pop.port,
      smtpConnections: smtp.connectionCount(),
      popConnections: pop.connectionCount(),
      popLockedAccounts: pop.lockedAccounts(),
      messages: mailbox.counts(),
      delivered: smtp.deliveredCount(),
      storeDir: mailbox.dir,
      startedAt,
    }),
    close: () => {
      closing ??= Promise.all([smtp.close(), pop.close()]).then(() => {
        running = false;
      });
      return closing;
    },
  };
}
