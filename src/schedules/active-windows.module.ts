import { Global, Module } from '@nestjs/common';
import { ACTIVE_WINDOWS } from '../maintenance/active-windows.js';
import { SchedulesModule } from './schedules.module.js';
import { WindowStore } from './window-store.js';

/** Hands the maintenance module (below this one) the sites' active windows, from their owner. */
@Global()
@Module({ imports: [SchedulesModule], providers: [{ provide: ACTIVE_WINDOWS, useExisting: WindowStore }], exports: [ACTIVE_WINDOWS] })
export class ActiveWindowsModule {}
