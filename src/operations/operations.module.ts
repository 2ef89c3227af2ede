import { Module } from '@nestjs/common';
import { MaintenanceModule } from '../maintenance/maintenance.module.js';
import { OperationStore } from './operation-store.js';
import { OperationsService } from './operations.service.js';

/** For the server only: an operation runs in the process that stored it. */
@Module({ imports: [MaintenanceModule], providers: [OperationStore, OperationsService], exports: [OperationsService] })
export class OperationsModule {}
