/**
 * Users as the `/api/v1` dialect names them: by email. An email stands for the users with that
 * email and, where no user has it, for the identity equal to the email itself.
 */
import type { Store } from '../store/store.js';

/** How an identity is shown as a task assignee. */
export interface AssigneeView {
  readonly email: string;
  readonly displayName: string;
}

/** Maps emails to identities and identities to emails and display names. */
export class AssigneeDirectory {
  constructor(private readonly store: Store) {}

  /** The identities an email stands for. */
  async identitiesForEmail(email: string): Promise<readonly string[]> {
    const wanted = email.trim().toLowerCase();
    const users = (await this.store.listUsers({ email: email.trim() })).items.filter((u) => u.email?.toLowerCase() === wanted);
    return users.length > 0 ? users.map((u) => u.id) : [email.trim()];
  }

  /** The email and display name of an identity (the identity itself when no user has it). */
  async viewOf(identityId: string): Promise<AssigneeView> {
    const user = await this.store.getUser(identityId);
    if (!user) return { email: identityId, displayName: identityId };
    return { email: user.email ?? identityId, displayName: user.name };
  }
}
