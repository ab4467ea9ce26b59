/**
 * Mailbox store shared by the lab SMTP server (delivers) and the lab POP3 server (lists, retrieves,
 * deletes). A message is stored as the exact octets the SMTP DATA phase carried after dot-unstuffing
 * (RFC 5321 §4.5.2), with every line ending normalised to CRLF, so that POP3 RETR (RFC 1939) hands back
 * byte-identical content and the octet counts of STAT/LIST equal what RETR sends before dot-stuffing.
 *
 * Persistent layout (when `dir` is given): `dir/<account>/<uidl>.eml` holds the octets and
 * `dir/index.json` lists, per account and in arrival order, `{uidl, size, receivedAt, from, to}`. The
 * index is rewritten atomically (write to a temp file, then rename), so a crash leaves either the old or
 * the new index; an .eml without an index entry is ignored. Without `dir` everything lives in memory
 * (tests). UIDLs are unique per store and only use the characters RFC 1939 §7 allows (0x21–0x7E).
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** StoredMessage is the index entry of one message in one account's mailbox. */
export interface StoredMessage {
  /** uidl is the POP3 unique-id (also the file name stem). */
  uidl: string;
  /** size in octets of the stored message (CRLF line ends). */
  size: number;
  /** receivedAt is an ISO-8601 time. */
  receivedAt: string;
  /** from is the SMTP envelope sender (MAIL FROM), '' for the null sender. */
  from: string;
  /** to lists the SMTP envelope recipients (RCPT TO). */
  to: string[];
}

/** MailboxStore is the storage both lab servers share. Operations are synchronous and small. */
export interface MailboxStore {
  /** dir is the directory of a persistent store, undefined for an in-memory store. */
  readonly dir: string | undefined;
  /** deliver stores one message for one account and returns its index entry. */
  deliver(account: string, content: Uint8Array, envelope?: { from?: string; to?: string[] }): StoredMessage;
  /** list returns the account's messages in arrival order (a copy). */
  list(account: string): StoredMessage[];
  /** read returns the stored octets of a message; throws if it does not exist. */
  read(account: string, uidl: string): Buffer;
  /** remove deletes messages by uidl; unknown uidls are ignored. */
  remove(account: string, uidls: readonly string[]): void;
  /** counts returns the number of messages per account that has any. */
  counts(): Record<string, number>;
}

/** MailboxOptions selects a persistent store (`dir`) or an in-memory one. */
export interface MailboxOptions {
  dir?: string;
}

interface IndexFile {
  version: 1;
  accounts: Record<string, StoredMessage[]>;
}

const ACCOUNT_NAME = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * normalizeCrlf turns every bare LF into CRLF and every bare CR into CRLF, leaving existing CRLF pairs
 * alone. Mail on the wire (RFC 5322 §2.1) and POP3 both require CRLF line ends.
 */
export function normalizeCrlf(input: Uint8Array): Buffer {
  let needed = 0;
  for (let i = 0; i < input.length; i++) {
    const byte = input[i];
    if (byte === 0x0a && (i === 0 || input[i - 1] !== 0x0d)) needed++;
    else if (byte === 0x0d && input[i + 1] !== 0x0a) needed++;
  }
  if (needed === 0) return Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const out = Buffer.allocUnsafe(input.length + needed);
  let o = 0;
  for (let i = 0; i < input.length; i++) {
    const byte = input[i];
    if (byte === 0x0a && (i === 0 || input[i - 1] !== 0x0d)) {
      out[o++] = 0x0d;
      out[o++] = 0x0a;
    } else if (byte === 0x0d && input[i + 1] !== 0x0a) {
      out[o++] = 0x0d;
      out[o++] = 0x0a;
    } else {
      out[o++] = byte;
    }
  }
  return out;
}

let uidlCounter = 0;

function newUidl(): string {
  uidlCounter = (uidlCounter + 1) % 0x100000;
  return `${Date.now().toString(36)}.${uidlCounter.toString(36)}.${randomBytes(4).toString('hex')}`;
}

function checkAccount(account: string): void {
  // The account name becomes a directory name: keep it to a safe alphabet.
  if (!ACCOUNT_NAME.test(account)) throw new Error(`invalid mailbox account name: ${JSON.stringify(account)}`);
}

/**
 * createMailboxStore opens (or creates) a mailbox store. With `dir` the store persists and loads the
 * existing index; without it the store is in memory.
 */
export function createMailboxStore(options: MailboxOptions = {}): MailboxStore {
  const dir = options.dir;
  const index: IndexFile = { version: 1, accounts: {} };
  const memory = new Map<string, Buffer>();

  if (dir !== undefined) {
    fs.mkdirSync(dir, { recursive: true });
    const indexPath = path.join(dir, 'index.json');
    if (fs.existsSync(indexPath)) {
      const parsed = JSON.parse(fs.readFileSync(indexPath, 'utf8')) as Partial<IndexFile>;
      if (parsed.version !== 1 || typeof parsed.accounts !== 'object' || parsed.accounts === null) {
        throw new Error(`${indexPath}: not a Wirelab mailbox index (version 1)`);
      }
      for (const [account, messages] of Object.entries(parsed.accounts)) {
        if (!ACCOUNT_NAME.test(account) || !Array.isArray(messages)) continue;
        // Drop entries whose file went missing so that POP3 never lists what it cannot RETR.
        index.accounts[account] = messages.filter((m) => fs.existsSync(path.join(dir, account, `${m.uidl}.eml`)));
      }
    }
  }

  const key = (account: string, uidl: string): string => `${account}/${uidl}`;

  function writeIndex(): void {
    if (dir === undefined) return;
    const indexPath = path.join(dir, 'index.json');
    const temp = `${indexPath}.${process.pid}.tmp`;
    fs.writeFileSync(temp, JSON.stringify(index, null, 2));
    fs.renameSync(temp, indexPath);
  }

  return {
    dir,
    deliver(account, content, envelope = {}) {
      checkAccount(account);
      const octets = Buffer.from(normalizeCrlf(content));
      const message: StoredMessage = {
        uidl: newUidl(),
        size: octets.length,
        receivedAt: new Date().toISOString(),
        from: envelope.from ?? '',
        to: [...(envelope.to ?? [])],
      };
      if (dir === undefined) {
        memory.set(key(account, message.uidl), octets);
      } else {
        fs.mkdirSync(path.join(dir, account), { recursive: true });
        fs.writeFileSync(path.join(dir, account, `${message.uidl}.eml`), octets);
      }
      (index.accounts[account] ??= []).push(message);
      writeIndex();
      return { ...message, to: [...message.to] };
    },
    list(account) {
      return (index.accounts[account] ?? []).map((m) => ({ ...m, to: [...m.to] }));
    },
    read(account, uidl) {
      checkAccount(account);
      const known = (index.accounts[account] ?? []).some((m) => m.uidl === uidl);
      if (!known) throw new Error(`no message ${uidl} in mailbox ${account}`);
      if (dir === undefined) {
        const octets = memory.get(key(account, uidl));
        if (octets === undefined) throw new Error(`no message ${uidl} in mailbox ${account}`);
        return octets;
      }
      return fs.readFileSync(path.join(dir, account, `${uidl}.eml`));
    },
    remove(account, uidls) {
      const messages = index.accounts[account];
      if (messages === undefined || uidls.length === 0) return;
      const doomed = new Set(uidls);
      index.accounts[account] = messages.filter((m) => !doomed.has(m.uidl));
      // Index first: a crash between the two steps leaves an orphan file, never a dangling entry.
      writeIndex();
      for (const uidl of doomed) {
        if (dir === undefined) memory.delete(key(account, uidl));
        else fs.rmSync(path.join(dir, account, `${uidl}.eml`), { force: true });
      }
    },
    counts() {
      const result: Record<string, number> = {};
      for (const [account, messages] of Object.entries(index.accounts)) {
        if (messages.length > 0) result[account] = messages.length;
      }
      return result;
    },
  };
}
