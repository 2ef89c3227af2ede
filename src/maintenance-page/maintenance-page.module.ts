import { Module } from '@nestjs/common';
import { MaintenancePageController } from './maintenance-page.controller.js';

@Module({ controllers: [MaintenancePageController] })
export class MaintenancePageModule {}
