import { Module } from '@nestjs/common';
import { AdminUsersService } from './admin-users.service.js';

/** Admin users without AdminJS, so that the CLI can create them. */
@Module({ providers: [AdminUsersService], exports: [AdminUsersService] })
export class AdminUsersModule {}
