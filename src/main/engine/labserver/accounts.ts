/**
 * Lab accounts shared by the SMTP and POP3 lab servers. A student may log in with the bare user name
 * ("student") or the full address ("student@wirelab.lab"), as 163 accepted both; user names and
 * addresses compare case-insensitively (RFC 5321 §2.4 allows case-sensitive local parts, but a lab
 * where `Student` fails is only confusing). Passwords compare exactly.
 */

/** LabAccount is one mailbox owner of the lab server. */
export interface LabAccount {
  /** user is the login name and the mailbox (directory) name. */
  user: string;
  password: string;
  /** address is the account's mail address, e.g. student@wirelab.lab. */
  address: string;
}

/** LAB_DOMAIN is the mail domain of the default accounts. */
export const LAB_DOMAIN = 'wirelab.lab';

/** DEFAULT_ACCOUNTS are the lab's two accounts (the password echoes the handout's "test0418"). */
export const DEFAULT_ACCOUNTS: readonly LabAccount[] = Object.freeze([
  Object.freeze({ user: 'student', password: 'lab0418', address: `student@${LAB_DOMAIN}` }),
  Object.freeze({ user: 'teacher', password: 'lab0418', address: `teacher@${LAB_DOMAIN}` }),
]);

/** findAccountByLogin resolves a login name ("student" or "student@wirelab.lab"). */
export function findAccountByLogin(accounts: readonly LabAccount[], login: string): LabAccount | undefined {
  const wanted = login.trim().toLowerCase();
  return accounts.find((a) => a.user.toLowerCase() === wanted || a.address.toLowerCase() === wanted);
}

/** findAccountByAddress resolves an envelope address to its account (exact address, case-insensitive). */
export function findAccountByAddress(accounts: readonly LabAccount[], address: string): LabAccount | undefined {
  const wanted = address.trim().toLowerCase();
  return accounts.find((a) => a.address.toLowerCase() === wanted);
}
