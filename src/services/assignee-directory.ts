/**
 * Users as the `/api/v1` dialect names them: by email. An email stands for the users with that
 * email and for the identity equal to the email itself (what a scheme names where no user has it).
 */
import type { Store, StoredUser } from '../store/store.js';

/** How an identity is shown as a task assignee. */
export interface AssigneeView {
  readonly email: string;
  readonly displayName: string;
}

/** Maps emails to identities and identities to emails and display names. */
export class AssigneeDirectory {
  constructor(private readonly store: Store) {}

  /**
   * The identities an email stands for: the users with that email, and the email itself (a
   * scheme's actor may name the email directly, e.g. `isUser @requesterEmail`).
   */
  async identitiesForEmail(email: string): Promise<readonly string[]> {
    const trimmed = email.trim();
    const users = await this.usersWithEmail(trimmed);
    return [...new Set([...users.map((u) => u.id), trimmed])];
  }

  /** The email and display name of an identity: its user's, or the user's with that email, or the identity itself. */
  async viewOf(identityId: string): Promise<AssigneeView> {
    const user = (await this.store.getUser(identityId)) ?? (await this.usersWithEmail(identityId))[0];
    if (!user) return { email: identityId, displayName: identityId };
    return { email: user.email ?? identityId, displayName: user.name };
  }

  private async usersWithEmail(email: string): Promise<readonly StoredUser[]> {
    if (!email.includes('@')) return [];
    const wanted = email.toLowerCase();
    return (await this.store.listUsers({ email })).items.filter((u) => u.email?.toLowerCase() === wanted);
  }
}
