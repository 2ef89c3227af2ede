import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tells the server's maintenance page snapshot that what it shows has changed, whichever process changed it
 * (the server, a CLI, SQL by hand): every committed change of a site's domain, name, maintenance state or reason, of an active window's
 * message or end, or of which windows cover which sites, bumps the sequence `site_page_changes` (read by the
 * poll on the embedded database) and sends NOTIFY on the channel of the same name (PostgreSQL). Notifications
 * are delivered at commit, and one transaction's are folded into one (docs/maintenance-page.md).
 */
export class SitePageChanges1796590162625 implements MigrationInterface {
  name = 'SitePageChanges1796590162625';

  async up(queryRunner: QueryRunner): Promise<void> {
    // A sequence, not a counter row: nextval takes no row lock, so concurrent writers never wait on it.
    await queryRunner.query(`CREATE SEQUENCE site_page_changes`);
    await queryRunner.query(`
      CREATE FUNCTION site_page_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM nextval('site_page_changes');
        PERFORM pg_notify('site_page_changes', '');
        RETURN NULL;
      END
      $$`);
    const watched: [table: string, columns: string[]][] = [
      ['cloudflare_sites', ['domain', 'name', 'maintenance_state', 'maintenance_reason']],
      ['scheduled_maintenances', ['status', 'reason', 'ends_at', 'timezone']],
      ['scheduled_maintenance_sites', ['window_id', 'site_id', 'execution']],
    ];
    for (const [table, columns] of watched) {
      const changed = columns.map((column) => `OLD.${column} IS DISTINCT FROM NEW.${column}`).join(' OR ');
      await queryRunner.query(
        `CREATE TRIGGER ${table}_page_rows AFTER INSERT OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION site_page_changed()`,
      );
      await queryRunner.query(
        `CREATE TRIGGER ${table}_page_update AFTER UPDATE ON ${table} FOR EACH ROW WHEN (${changed}) EXECUTE FUNCTION site_page_changed()`,
      );
      await queryRunner.query(
        `CREATE TRIGGER ${table}_page_truncate AFTER TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION site_page_changed()`,
      );
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['cloudflare_sites', 'scheduled_maintenances', 'scheduled_maintenance_sites']) {
      for (const kind of ['rows', 'update', 'truncate']) await queryRunner.query(`DROP TRIGGER ${table}_page_${kind} ON ${table}`);
    }
    await queryRunner.query(`DROP FUNCTION site_page_changed()`);
    await queryRunner.query(`DROP SEQUENCE site_page_changes`);
  }
}
