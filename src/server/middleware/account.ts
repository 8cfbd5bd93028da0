import type { RequestHandler } from 'express';
import { ApiError } from '../../errors';
import type { Account, AccountRegistry } from '../accounts/registry';

/** Where the account step leaves the integrated account a request names (`res.locals`). */
export interface AccountLocals {
  account: Account;
}

/**
 * Finds the integrated account named by `integrated_account_id` (validated before this step) among
 * those the server knows; an unknown one is a 404 naming it.
 */
export function resolveAccount(accounts: AccountRegistry): RequestHandler {
  return (req, res, next) => {
    const id = String((req.query as { integrated_account_id?: unknown }).integrated_account_id ?? '');
    const account = accounts.get(id);
    if (!account) {
      next(new ApiError(404, `No integrated account ${id} is configured on this server. Use the id of an account in its accounts file.`));
      return;
    }
    (res.locals as AccountLocals).account = account;
    next();
  };
}
