import { Module } from '@nestjs/common';
import { MaintenancePageController } from './maintenance-page.controller.js';
import { MaintenancePageService } from './maintenance-page.service.js';

@Module({ controllers: [MaintenancePageController], providers: [MaintenancePageService], exports: [MaintenancePageService] })
export class MaintenancePageModule {}
