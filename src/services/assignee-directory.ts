/**
 * Users as the `/api/v1` dialect names them: by email. An email stands for the users with that
 * email and for the identity equal to the email itself (what a scheme names where no user has it).
 */
import type { Store, StoredUser, UserStore } from '../store/store.js';

/** How an identity is shown as a task assignee. */
export interface AssigneeView {
  readonly email: string;
  readonly displayName: string;
}

/** Maps emails to identities and identities to emails and display names. */
export class AssigneeDirectory {
  constructor(private readonly store: UserStore & Pick<Store, 'tenantRecords'>) {}

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

  /**
   * {@link viewOf} for many identities at once, in one statement: for a page of tasks or
   * instances, whatever its size.
   */
  async viewsOf(identityIds: Iterable<string>): Promise<ReadonlyMap<string, AssigneeView>> {
    const wanted = [...new Set(identityIds)];
    const users = await this.store.tenantRecords.assigneeUsers(wanted);
    const views = new Map<string, AssigneeView>();
    for (const identityId of wanted) {
      // As viewOf: the user with this id, else the first (by name, then id) with this email.
      const lowered = identityId.toLowerCase();
      const user =
        users.find((u) => u.id === identityId) ?? (identityId.includes('@') ? users.find((u) => u.email?.toLowerCase() === lowered) : undefined);
      views.set(identityId, user ? { email: user.email ?? identityId, displayName: user.name } : { email: identityId, displayName: identityId });
    }
    return views;
  }

  private async usersWithEmail(email: string): Promise<readonly StoredUser[]> {
    if (!email.includes('@')) return [];
    const wanted = email.toLowerCase();
    return (await this.store.listUsers({ email })).items.filter((u) => u.email?.toLowerCase() === wanted);
  }
}
