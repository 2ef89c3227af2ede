import { Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { ScheduleRunner } from './schedule-runner.js';
import { SchedulesModule } from './schedules.module.js';

/** The in-server scheduler; the server imports it, the CLI never does (docs/stack-notes.md#the-cli-stays-small). */
@Module({ imports: [ScheduleModule.forRoot(), SchedulesModule], providers: [ScheduleRunner] })
export class SchedulerModule {}
