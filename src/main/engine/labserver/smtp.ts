/**
 * Lab SMTP server (RFC 5321, AUTH per RFC 4954 with LOGIN and PLAIN/RFC 4616) built on the `smtp-server`
 * package and made to look like the 163.com server of the lab handout as far as its options allow:
 * plaintext AUTH without TLS (STARTTLS disabled), mail accepted only after AUTH, MAIL FROM must be the
 * authenticated account's address (163: "553 Mail from must equal authorized user"), RCPT TO must be
 * a lab account, and DATA is stored byte-exact (after dot-unstuffing, CRLF line ends) in the shared
 * mailbox store.
 *
 * Three fixed replies of smtp-server are rewritten on their way out (a subclass's connect() wraps each
 * connection's `send`, the one function every reply goes through, in WordingSmtpServer), because the handout shows them:
 * the greeting `220 <name> ESMTP <banner>` loses the word "ESMTP" like 163's
 * (`220 163.com Anti-spam GT for Coremail System (163com[20121016])`, ours
 * `220 wirelab.lab Anti-spam GT for Coremail System (wirelab)`) — RFC 5321 does not require it and
 * clients (smtplib, curl, telnet users) send EHLO anyway; `250 Accepted` after MAIL/RCPT becomes 163's
 * `250 Mail OK`; and the AUTH LOGIN prompt `334 VXNlcm5hbWU6` ("Username:") becomes 163's
 * `334 dXNlcm5hbWU6` ("username:").
 * What smtp-server 3.21 still does not let us change:
 * - unknown commands get `500 Error: command not recognized`; `AUTH=LOGIN PLAIN`, `coremail …` and
 *   `STARTTLS` lines of 163's EHLO reply cannot be added;
 * - capability order is PIPELINING, 8BITMIME, AUTH (163: PIPELINING, AUTH…, 8BITMIME).
 * What we do set: `250-mail` as the first EHLO line, `235 Authentication successful`, `354 End data
 * with <CR><LF>.<CR><LF>`, `535 Error: authentication failed`, `250 Mail OK queued as …`, `221 Bye`.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import type { SMTPServerAddress, SMTPServerDataStream, SMTPServerOptions, SMTPServerSession } from 'smtp-server';
import { findAccountByAddress, findAccountByLogin, type LabAccount } from './accounts';
import type { MailboxStore, StoredMessage } from './mailbox';

/** REWRITES maps smtp-server's fixed reply texts (by code) to the 163 wording of the handout. */
const REWRITES: ReadonlyMap<string, string> = new Map([
  ['250 Accepted', 'Mail OK'],
  ['334 VXNlcm5hbWU6', 'dXNlcm5hbWU6'],
]);

type SendFn = (code: number, data?: string | string[], context?: string) => void;

/** BANNER follows the server name in the greeting, as 163's does. */
const BANNER = 'Anti-spam GT for Coremail System (wirelab)';

/**
 * WordingSmtpServer is smtp-server with 163's wording for three fixed replies. smtp-server creates each
 * connection in connect() and adds it to `connections` synchronously; every reply goes through the
 * connection's send(code, data, context), so the rewrite is one wrapper there (checked by the lab
 * server tests, which read the replies a real client gets).
 */
class WordingSmtpServer extends SMTPServer {
  override connect(socket: unknown, socketOptions: unknown): void {
    (SMTPServer.prototype as unknown as { connect(s: unknown, o: unknown): void }).connect.call(this, socket, socketOptions);
    const connection = [...(this as unknown as { connections: Set<{ send: SendFn; name: string }> }).connections].at(-1);
    if (!connection) return;
    const send = connection.send.bind(connection);
    connection.send = (code, data, context) => {
      let text: string | undefined;
      if (typeof data === 'string') {
        // smtp-server's greeting is `<name> ESMTP <banner>`; 163's is `<name> <banner>`.
        if (code === 220 && data === `${connection.name} ESMTP ${BANNER}`) text = `${connection.name} ${BANNER}`;
        else text = REWRITES.get(`${code} ${data}`);
      }
      send(code, text ?? data, context);
    };
  }
}

/** LabSmtpOptions configures one lab SMTP listener. */
export interface LabSmtpOptions {
  /** host to bind: must be a loopback address (127.0.0.1 by default). */
  host?: string;
  /** port to bind, 2525 by default; 0 picks an ephemeral port. */
  port?: number;
  accounts: readonly LabAccount[];
  mailbox: MailboxStore;
  /** server name in the banner, default `wirelab.lab`. */
  name?: string;
  /** largest accepted message in octets (default 25 MiB); larger DATA gets 552. */
  maxMessageSize?: number;
  /** idle timeout in ms (default 5 minutes). */
  socketTimeoutMs?: number;
  /** onDelivered is called after a message was stored for one or more accounts. */
  onDelivered?: (event: { accounts: string[]; messages: StoredMessage[]; from: string; to: string[] }) => void;
}

/** LabSmtpServer is a listening lab SMTP server. */
export interface LabSmtpServer {
  readonly host: string;
  readonly port: number;
  /** connections currently open. */
  connectionCount(): number;
  /** delivered counts messages accepted since start. */
  deliveredCount(): number;
  close(): Promise<void>;
}

const DEFAULT_MAX_MESSAGE = 25 * 1024 * 1024;

class SmtpReplyError extends Error {
  constructor(
    readonly responseCode: number,
    message: string,
  ) {
    super(message);
  }
}

function isLoopback(host: string): boolean {
  return host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) || host === 'localhost';
}

/** assertLoopback throws unless `host` is a loopback address: the lab servers never listen elsewhere. */
export function assertLoopback(host: string): void {
  if (!isLoopback(host)) throw new Error(`lab server must bind a loopback address (127.0.0.1 or ::1), not ${host}`);
}

/** startLabSmtp starts the lab SMTP server and resolves once it listens. */
export async function startLabSmtp(options: LabSmtpOptions): Promise<LabSmtpServer> {
  const host = options.host ?? '127.0.0.1';
  assertLoopback(host);
  const accounts = options.accounts;
  const mailbox = options.mailbox;
  const maxMessageSize = options.maxMessageSize ?? DEFAULT_MAX_MESSAGE;
  let delivered = 0;

  const serverOptions: SMTPServerOptions = {
    name: options.name ?? 'wirelab.lab',
    banner: BANNER,
    heloResponse: 'mail',
    authMethods: ['LOGIN', 'PLAIN'],
    authOptional: false,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    hideSTARTTLS: true,
    hideSMTPUTF8: true,
    hideENHANCEDSTATUSCODES: true,
    hideDSN: true,
    hideREQUIRETLS: true,
    disableReverseLookup: true,
    // Students fiddle before they manage to log in; do not cut them off after ten commands.
    maxAllowedUnauthenticatedCommands: false,
    authRequiredMessage: 'Error: authentication Required',
    socketTimeout: options.socketTimeoutMs ?? 5 * 60_000,
    closeTimeout: 1_000,
    logger: false,

    onAuth(auth, _session, callback) {
      if (auth.method !== 'LOGIN' && auth.method !== 'PLAIN') {
        callback(new SmtpReplyError(504, 'Error: Unrecognized authentication type'));
        return;
      }
      const account = findAccountByLogin(accounts, auth.username ?? '');
      if (account === undefined || auth.password !== account.password) {
        callback(new SmtpReplyError(535, 'Error: authentication failed'));
        return;
      }
      callback(null, { user: account.user });
    },

    onMailFrom(address: SMTPServerAddress, session: SMTPServerSession, callback) {
      const account = accounts.find((a) => a.user === session.user);
      if (account === undefined || address.address.toLowerCase() !== account.address.toLowerCase()) {
        callback(new SmtpReplyError(553, 'Mail from must equal authorized user'));
        return;
      }
      callback();
    },

    onRcptTo(address: SMTPServerAddress, _session, callback) {
      if (findAccountByAddress(accounts, address.address) === undefined) {
        const known = accounts.map((a) => a.address).join(', ');
        callback(new SmtpReplyError(550, `Mailbox not found (lab accounts: ${known})`));
        return;
      }
      callback();
    },

    onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback) {
      const chunks: Buffer[] = [];
      let length = 0;
      let oversized = false;
      stream.on('data', (chunk: Buffer) => {
        length += chunk.length;
        if (length > maxMessageSize) oversized = true;
        else chunks.push(chunk);
      });
      stream.on('error', (err: Error) => callback(err));
      stream.on('end', () => {
        if (oversized) {
          callback(new SmtpReplyError(552, `Error: message exceeds fixed maximum message size ${maxMessageSize}`));
          return;
        }
        const content = Buffer.concat(chunks, length);
        const from = session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address;
        const to = session.envelope.rcptTo.map((r) => r.address);
        const owners = [...new Set(to.map((address) => findAccountByAddress(accounts, address)?.user))].filter(
          (user): user is string => user !== undefined,
        );
        try {
          const messages = owners.map((user) => mailbox.deliver(user, content, { from, to }));
          delivered++;
          options.onDelivered?.({ accounts: owners, messages, from, to });
          const queueId = messages[0]?.uidl ?? 'none';
          callback(null, `Mail OK queued as wirelab.${queueId} ${Math.floor(Date.now() / 1000)}`);
        } catch (err) {
          callback(new SmtpReplyError(451, `Error: local error in processing (${(err as Error).message})`));
        }
      });
    },
  };

  const server = new WordingSmtpServer(serverOptions);
  // Errors of single connections (resets, timeouts) are normal in a lab; never let them crash the app.
  server.on('error', () => undefined);

  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.server.once('error', onError);
    server.listen(options.port ?? 2525, host, () => {
      server.server.off('error', onError);
      resolve();
    });
  });
  const address = server.server.address() as AddressInfo;

  return {
    host,
    port: address.port,
    connectionCount: () => server.connections.size,
    deliveredCount: () => delivered,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
