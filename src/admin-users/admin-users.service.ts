import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { DataSource, type EntityManager, type Repository } from 'typeorm';
import { isRole, ROLES, type Role } from '../access/roles.js';
import { coversEverySite, EVERY_SITE, type SiteScope } from '../access/site-scope.js';
import { ConflictError, NotFoundError, ValidationError } from '../common/errors.js';
import { parseDomain } from '../sites/site-input.validation.js';
import { parseEmail, parsePassword } from './admin-user-input.validation.js';
import { AdminUser } from './admin-user.entity.js';
import { hashPassword, needsRehash, verifyPassword } from './password-hash.js';

export interface AdminUserView {
  id: string;
  email: string;
  role: Role;
  scope: SiteScope;
  isActive: boolean;
  lastLoginAt: Date | null;
  createdAt: Date;
}

/** Who is logged in, as the panel checks it on every request. */
export interface SessionUser {
  id: string;
  email: string;
  role: Role;
  scope: SiteScope;
}

export interface AdminUserChanges {
  /** One of ROLES, checked here. */
  role?: string;
  scope?: SiteScope;
  active?: boolean;
}

const UNIQUE_VIOLATION = '23505';
/** The admin panel's sessions (express-session rows, created by a migration); a logged-in one holds `adminUser`. */
const END_SESSIONS_OF_USER = `DELETE FROM admin_sessions WHERE sess -> 'adminUser' ->> 'id' = $1`;
/**
 * The users who can still manage users: active admins of every site. Locked, so that two admins demoting
 * each other at once cannot both succeed (the second waits, then no longer finds the first).
 */
const FULL_ADMINS_LOCKED = `SELECT id FROM admin_users
  WHERE role = 'admin' AND is_active AND cardinality(scope_domains) = 0 AND cardinality(scope_api_key_ids) = 0 FOR UPDATE`;

@Injectable()
export class AdminUsersService {
  /** Checked against when the e-mail is unknown, so that a miss takes as long as a wrong password. */
  private decoyHash: Promise<string> | undefined;

  constructor(private readonly dataSource: DataSource) {}

  private get repository() {
    return this.dataSource.getRepository(AdminUser);
  }

  /** The first user is always an admin of every site: nobody else could manage the users then. */
  async create(input: { email: string; password: string; role?: string; scope?: SiteScope }): Promise<AdminUserView> {
    const email = parseEmail(input.email);
    const role = parseRole(input.role ?? 'admin');
    const scope = parseScope(input.scope ?? EVERY_SITE);
    const password = parsePassword(input.password);
    const taken = () => new ValidationError(`An admin user ${email} already exists.`, { field: 'email' });
    if (await this.repository.existsBy({ email })) throw taken();
    if ((role !== 'admin' || !coversEverySite(scope)) && (await this.repository.count()) === 0) {
      throw new ValidationError('The first user must be an admin of every site (role admin, no site restriction): nobody else could manage the users.', {
        field: 'role',
      });
    }
    try {
      const saved = await this.repository.save(
        this.repository.create({ email, role, isActive: true, scopeDomains: scope.domains, scopeApiKeyIds: scope.apiKeyIds, passwordHash: await hashPassword(password) }),
      );
      return view(saved);
    } catch (error) {
      if ((error as { driverError?: { code?: string } }).driverError?.code === UNIQUE_VIOLATION) throw taken();
      throw error;
    }
  }

  /** The user when the password is right and the user active, else null; a hash made with older parameters is replaced. */
  async authenticate(rawEmail: string, password: string): Promise<AdminUserView | null> {
    const email = rawEmail.trim().toLowerCase();
    const user = await this.repository
      .createQueryBuilder('user')
      .addSelect('user.passwordHash')
      .where('user.email = :email', { email })
      .getOne();
    if (!user) {
      this.decoyHash ??= hashPassword(randomBytes(16).toString('hex'));
      await verifyPassword(password, await this.decoyHash);
      return null;
    }
    if (!(await verifyPassword(password, user.passwordHash)) || !user.isActive) return null;
    const rehash = needsRehash(user.passwordHash) ? { passwordHash: await hashPassword(password) } : {};
    await this.repository.update({ id: user.id }, { lastLoginAt: new Date(), ...rehash });
    return view({ ...user, lastLoginAt: new Date() });
  }

  /** The logged-in user as stored now (a role or scope changed meanwhile counts at once); null when gone or deactivated. */
  async sessionUser(id: string): Promise<SessionUser | null> {
    const user = /^[0-9a-f-]{36}$/i.test(id) ? await this.repository.findOneBy({ id, isActive: true }) : null;
    return user ? { id: user.id, email: user.email, role: user.role, scope: scopeOf(user) } : null;
  }

  /**
   * Changes a user's role, scope or being active, refusing to leave no active admin of every site.
   * Deactivating ends the user's sessions in the same transaction.
   */
  async update(id: string, changes: AdminUserChanges): Promise<{ user: AdminUserView; changed: string[]; sessionsEnded: number }> {
    const role = changes.role === undefined ? undefined : parseRole(changes.role);
    const scope = changes.scope === undefined ? undefined : parseScope(changes.scope);
    return this.dataSource.transaction(async (manager) => {
      const fullAdmins: { id: string }[] = await manager.query(FULL_ADMINS_LOCKED);
      const repository = manager.getRepository(AdminUser);
      const user = await repository.findOneBy({ id });
      if (!user) throw new NotFoundError(`There is no admin user ${id}.`);
      const next = { role: role ?? user.role, scope: scope ?? scopeOf(user), isActive: changes.active ?? user.isActive };
      const changed = [
        ...(next.role !== user.role ? ['role'] : []),
        ...(!sameScope(next.scope, scopeOf(user)) ? ['scope'] : []),
        ...(next.isActive !== user.isActive ? ['active'] : []),
      ];
      const staysFullAdmin = next.role === 'admin' && next.isActive && coversEverySite(next.scope);
      if (!staysFullAdmin && fullAdmins.length === 1 && fullAdmins[0].id === user.id) {
        throw new ConflictError(
          `${user.email} is the last active admin of every site: make another user an admin of every site first, or nobody could manage the users.`,
        );
      }
      if (!changed.length) return { user: view(user), changed, sessionsEnded: 0 };
      await repository.update({ id }, { role: next.role, scopeDomains: next.scope.domains, scopeApiKeyIds: next.scope.apiKeyIds, isActive: next.isActive });
      const sessionsEnded = next.isActive ? 0 : await endSessions(manager, id);
      return { user: view({ ...user, ...next, scopeDomains: next.scope.domains, scopeApiKeyIds: next.scope.apiKeyIds }), changed, sessionsEnded };
    });
  }

  /** Removes the user and ends its sessions, in one transaction; the last admin of every site stays. */
  async remove(rawEmail: string): Promise<{ email: string; sessionsEnded: number }> {
    const email = parseEmail(rawEmail);
    return this.dataSource.transaction(async (manager) => {
      const fullAdmins: { id: string }[] = await manager.query(FULL_ADMINS_LOCKED);
      const user = await this.existing(manager.getRepository(AdminUser), email);
      if (fullAdmins.length === 1 && fullAdmins[0].id === user.id && (await manager.getRepository(AdminUser).count()) > 1) {
        throw new ConflictError(`${email} is the last active admin of every site: make another user an admin of every site first.`);
      }
      const sessionsEnded = await endSessions(manager, user.id);
      await manager.getRepository(AdminUser).delete({ id: user.id });
      return { email, sessionsEnded };
    });
  }

  /** Ends every session of the user, who must log in again. */
  async revokeSessions(rawEmail: string): Promise<{ email: string; sessionsEnded: number }> {
    const email = parseEmail(rawEmail);
    const user = await this.existing(this.repository, email);
    return { email, sessionsEnded: await endSessions(this.dataSource.manager, user.id) };
  }

  private async existing(repository: Repository<AdminUser>, email: string): Promise<AdminUser> {
    const user = await repository.findOneBy({ email });
    if (!user) throw new NotFoundError(`There is no admin user ${email}; \`maintenance admin list-users\` lists them.`);
    return user;
  }

  count(): Promise<number> {
    return this.repository.count();
  }

  async list(): Promise<AdminUserView[]> {
    return (await this.repository.find({ order: { email: 'ASC' } })).map(view);
  }
}

async function endSessions(manager: EntityManager, userId: string): Promise<number> {
  const [, ended] = await manager.query<[unknown, number]>(END_SESSIONS_OF_USER, [userId]);
  return ended;
}

export function parseRole(raw: string): Role {
  const role = raw.trim().toLowerCase();
  if (!isRole(role)) throw new ValidationError(`Unknown role "${raw}": expected one of ${ROLES.join(', ')}.`, { field: 'role' });
  return role;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function parseScope(scope: SiteScope): SiteScope {
  const domains = [...new Set(scope.domains.map((domain) => {
    try {
      return parseDomain(domain);
    } catch (error) {
      throw error instanceof ValidationError ? new ValidationError(error.message, { field: 'scopeDomains' }) : error;
    }
  }))].sort();
  const bad = scope.apiKeyIds.find((id) => !UUID.test(id));
  if (bad !== undefined) throw new ValidationError(`Invalid API key id "${bad}".`, { field: 'scopeApiKeyIds' });
  return { domains, apiKeyIds: [...new Set(scope.apiKeyIds)].sort() };
}

function scopeOf(user: Pick<AdminUser, 'scopeDomains' | 'scopeApiKeyIds'>): SiteScope {
  return { domains: user.scopeDomains ?? [], apiKeyIds: user.scopeApiKeyIds ?? [] };
}

function sameScope(a: SiteScope, b: SiteScope): boolean {
  return a.domains.join() === b.domains.join() && a.apiKeyIds.join() === b.apiKeyIds.join();
}

function view(user: Pick<AdminUser, 'id' | 'email' | 'role' | 'scopeDomains' | 'scopeApiKeyIds' | 'isActive' | 'lastLoginAt' | 'createdAt'>): AdminUserView {
  return {
    id: user.id,
    email: user.email,
    role: user.role,
    scope: scopeOf(user),
    isActive: user.isActive,
    lastLoginAt: user.lastLoginAt,
    createdAt: user.createdAt,
  };
}
