import { Module } from '@nestjs/common';
import { SitesModule } from '../sites/sites.module.js';
import { MaintenancePageController } from './maintenance-page.controller.js';
import { MaintenancePageService } from './maintenance-page.service.js';

@Module({ imports: [SitesModule], controllers: [MaintenancePageController], providers: [MaintenancePageService], exports: [MaintenancePageService] })
export class MaintenancePageModule {}
