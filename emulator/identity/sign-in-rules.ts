// Who may sign in as a user, shared by the password grant, the device sign-in page and the control plane's device
// sign-in: the user must exist (not deleted), have the given password (when one is checked), be enabled and not be
// due to change their password. Each refusal carries the token endpoint's AADSTS code and the sign-in page's text.

import type { EmulatorContext } from '../context.js';
import type { UserRecord } from '../store/state.js';
import { passwordMatches } from './passwords.js';

export interface SignInProblem {
  aadsts: number;
  /** For the token endpoint's error_description. */
  description: string;
  /** For the person on the sign-in page. */
  pageMessage: string;
}

export function findUserByPrincipalName(ctx: EmulatorContext, userPrincipalName: string): UserRecord | undefined {
  const key = userPrincipalName.trim().toLowerCase();
  return ctx.store.state.users.find((u) => u.deletedAt === undefined && u.userPrincipalName.toLowerCase() === key);
}

/**
 * `password` null: the caller vouches for the person (the control plane's sign-in, a refresh): a person due to change
 * their password is taken to have changed it as Entra asks at sign-in.
 */
export function signInProblem(
  ctx: EmulatorContext,
  user: UserRecord | undefined,
  password: string | null,
): SignInProblem | undefined {
  if (!user) {
    return {
      aadsts: 50034,
      description: `The user account {EUII Hidden} does not exist in the ${ctx.options.tenantId} directory. To sign into this application, the account must be added to the directory.`,
      pageMessage: 'This username may be incorrect. Make sure you typed it correctly. Otherwise, contact your admin.',
    };
  }
  if (password !== null && !passwordMatches(password, user.passwordHash, user.passwordSalt)) {
    return {
      aadsts: 50126,
      description: 'Error validating credentials due to invalid username or password.',
      pageMessage: "Your account or password is incorrect. If you don't remember your password, reset it now.",
    };
  }
  if (!user.accountEnabled) {
    return {
      aadsts: 50057,
      description: 'The user account is disabled.',
      pageMessage: 'Your account has been disabled. Contact your administrator.',
    };
  }
  if (user.forceChangePasswordNextSignIn && password !== null) {
    return {
      aadsts: 50055,
      description: 'The password is expired.',
      pageMessage:
        'You need to update your password because this is the first time you are signing in, or because your password has expired. (The emulator cannot change passwords: create the user with forceChangePasswordNextSignIn false.)',
    };
  }
  return undefined;
}
