import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { DataSource, type Repository } from 'typeorm';
import { NotFoundError, ValidationError } from '../common/errors.js';
import { parseEmail, parsePassword } from './admin-user-input.validation.js';
import { AdminUser } from './admin-user.entity.js';
import { hashPassword, needsRehash, verifyPassword } from './password-hash.js';

export interface AdminUserView {
  id: string;
  email: string;
  lastLoginAt: Date | null;
  createdAt: Date;
}

const UNIQUE_VIOLATION = '23505';
/** The admin panel's sessions (express-session rows, created by a migration); a logged-in one holds `adminUser`. */
const END_SESSIONS_OF_USER = `DELETE FROM admin_sessions WHERE sess -> 'adminUser' ->> 'id' = $1`;

@Injectable()
export class AdminUsersService {
  /** Checked against when the e-mail is unknown, so that a miss takes as long as a wrong password. */
  private decoyHash: Promise<string> | undefined;

  constructor(private readonly dataSource: DataSource) {}

  private get repository() {
    return this.dataSource.getRepository(AdminUser);
  }

  async create(input: { email: string; password: string }): Promise<AdminUserView> {
    const email = parseEmail(input.email);
    const password = parsePassword(input.password);
    const taken = () => new ValidationError(`An admin user ${email} already exists.`, { field: 'email' });
    if (await this.repository.existsBy({ email })) throw taken();
    try {
      const saved = await this.repository.save(this.repository.create({ email, passwordHash: await hashPassword(password) }));
      return view(saved);
    } catch (error) {
      if ((error as { driverError?: { code?: string } }).driverError?.code === UNIQUE_VIOLATION) throw taken();
      throw error;
    }
  }

  /** The user when the password is right, else null; a hash made with older parameters is replaced. */
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
    if (!(await verifyPassword(password, user.passwordHash))) return null;
    const rehash = needsRehash(user.passwordHash) ? { passwordHash: await hashPassword(password) } : {};
    await this.repository.update({ id: user.id }, { lastLoginAt: new Date(), ...rehash });
    return view({ ...user, lastLoginAt: new Date() });
  }

  /** Removes the user and ends its sessions, in one transaction. */
  async remove(rawEmail: string): Promise<{ email: string; sessionsEnded: number }> {
    const email = parseEmail(rawEmail);
    return this.dataSource.transaction(async (manager) => {
      const user = await this.existing(manager.getRepository(AdminUser), email);
      const [, sessionsEnded] = await manager.query<[unknown, number]>(END_SESSIONS_OF_USER, [user.id]);
      await manager.getRepository(AdminUser).delete({ id: user.id });
      return { email, sessionsEnded };
    });
  }

  /** Ends every session of the user, who must log in again. */
  async revokeSessions(rawEmail: string): Promise<{ email: string; sessionsEnded: number }> {
    const email = parseEmail(rawEmail);
    const user = await this.existing(this.repository, email);
    const [, sessionsEnded] = await this.dataSource.query<[unknown, number]>(END_SESSIONS_OF_USER, [user.id]);
    return { email, sessionsEnded };
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

function view(user: Pick<AdminUser, 'id' | 'email' | 'lastLoginAt' | 'createdAt'>): AdminUserView {
  return { id: user.id, email: user.email, lastLoginAt: user.lastLoginAt, createdAt: user.createdAt };
}
