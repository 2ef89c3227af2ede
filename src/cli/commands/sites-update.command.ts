import { Option, SubCommand } from 'nest-commander';
import { ValidationError } from '../../common/errors.js';
import { type SiteChanges, SiteSettingsService } from '../../maintenance/site-settings.service.js';
import { bypassInstructions } from '../../sites/bypass-secret.js';
import { SiteAccessResolver } from '../../sites/site-access.js';
import type { AccessChanges } from '../../sites/site-access-change.js';
import { ACME_CHALLENGE_PATH } from '../../sites/site-access.validation.js';
import { engineHelp } from '../../sites/site-engine.js';
import { SitesService } from '../../sites/sites.service.js';
import { cliActor } from '../actor.js';
import { CliOutput, type OutputOptions } from '../cli-output.js';
import type { BrandingChanges } from '../../maintenance-page/branding-changes.js';
import { brandingChanges } from '../branding-options.js';
import { OutputCommand } from '../json-option.js';
import { siteView } from '../site-view.js';

interface SitesUpdateOptions extends OutputOptions {
  name?: string;
  subdomains?: string;
  allSubdomains?: boolean;
  maintenanceUrl?: string;
  defaultUrl?: boolean;
  active?: boolean;
  inactive?: boolean;
  apiKey?: string;
  engine?: string;
  bypassIp?: string;
  defaultBypassIp?: boolean;
  bypassSecret?: boolean;
  /** Commander's `--no-bypass`: false when given, else true. */
  bypass?: boolean;
  /** A list, or false for `--no-exclude-path`. */
  excludePath?: string | false;
  defaultExcludePath?: boolean;
  pageTitle?: string;
  pageMessage?: string;
  pageLogoUrl?: string;
  pageContactUrl?: string;
  pagePrimaryColor?: string;
  pageBackgroundColor?: string;
  pageTextColor?: string;
  /** A file, or false for `--no-page-template`. */
  pageTemplate?: string | false;
  pageLanguage?: string;
  removePageLanguage?: string;
  /** Commander's `--no-page-branding`: false when given, else true. */
  pageBranding?: boolean;
}

function pageChanges(options: SitesUpdateOptions): Promise<BrandingChanges | undefined> {
  return brandingChanges(
    {
      title: options.pageTitle,
      message: options.pageMessage,
      logoUrl: options.pageLogoUrl,
      contactUrl: options.pageContactUrl,
      primaryColor: options.pagePrimaryColor,
      backgroundColor: options.pageBackgroundColor,
      textColor: options.pageTextColor,
      template: options.pageTemplate,
      language: options.pageLanguage,
      removeLanguage: options.removePageLanguage,
      reset: options.pageBranding === false ? true : undefined,
    },
    (name) => (name === 'remove-language' ? '--remove-page-language' : `--page-${name}`),
  );
}

function exclusive(options: SitesUpdateOptions, a: keyof SitesUpdateOptions, b: keyof SitesUpdateOptions, flags: string): void {
  if (options[a] !== undefined && options[b] !== undefined) throw new ValidationError(`${flags} exclude each other; give one.`);
}

function accessChanges(options: SitesUpdateOptions): AccessChanges {
  const noBypass = options.bypass === false;
  if (noBypass && (options.bypassIp !== undefined || options.bypassSecret || options.defaultBypassIp)) {
    throw new ValidationError('--no-bypass clears the bypass IPs and the secret; give it without --bypass-ip, --bypass-secret or --default-bypass-ip.');
  }
  exclusive(options, 'bypassIp', 'defaultBypassIp', '--bypass-ip and --default-bypass-ip');
  exclusive(options, 'excludePath', 'defaultExcludePath', '--exclude-path (or --no-exclude-path) and --default-exclude-path');
  return {
    engine: options.engine,
    bypassIps: noBypass ? [] : options.defaultBypassIp ? null : options.bypassIp,
    bypassSecret: noBypass ? 'remove' : options.bypassSecret ? 'generate' : undefined,
    excludedPaths: options.excludePath === false ? [] : options.defaultExcludePath ? null : options.excludePath,
  };
}

export function changesFrom(options: SitesUpdateOptions): SiteChanges {
  exclusive(options, 'subdomains', 'allSubdomains', '--subdomains and --all-subdomains');
  exclusive(options, 'maintenanceUrl', 'defaultUrl', '--maintenance-url and --default-url');
  exclusive(options, 'active', 'inactive', '--active and --inactive');
  return {
    name: options.name,
    subdomains: options.allSubdomains ? null : options.subdomains,
    maintenanceUrl: options.defaultUrl ? null : options.maintenanceUrl,
    active: options.active ? true : options.inactive ? false : undefined,
    apiKeyName: options.apiKey,
    ...accessChanges(options),
  };
}

function updatedSentence(result: { domain: string; changed: string[]; rulesReapplied: boolean; newBypassSecret: NewSecretView | null }): string {
  if (result.changed.length === 0) return `${result.domain}: nothing to change.`;
  const lines = [
    `${result.domain}: updated ${result.changed.join(', ')}${result.rulesReapplied ? '; the maintenance rules were re-applied in Cloudflare' : ''}.`,
  ];
  const secret = result.newBypassSecret;
  if (secret) {
    lines.push(
      '',
      `Bypass secret (shown this once; store it now, it is masked from now on): ${secret.secret}`,
      `  In a browser, open:  ${secret.link}`,
      `  From a script or CI: ${secret.header}`,
      'Anyone holding it passes the maintenance redirect; generate a new one (--bypass-secret) to revoke it.',
    );
  }
  return lines.join('\n');
}

interface NewSecretView {
  secret: string;
  link: string;
  header: string;
}

@SubCommand({
  name: 'update',
  arguments: '<domain>',
  description: "change a site's settings; a site in maintenance gets its rules re-applied (new rules first)",
})
export class SitesUpdateCommand extends OutputCommand<SitesUpdateOptions> {
  constructor(
    private readonly sites: SitesService,
    private readonly settings: SiteSettingsService,
    private readonly access: SiteAccessResolver,
    private readonly output: CliOutput,
  ) {
    super();
  }

  async run([domain]: string[], options: SitesUpdateOptions): Promise<void> {
    await this.output.run(
      options,
      async () => {
        const changes = { ...changesFrom(options), page: await pageChanges(options) };
        const result = await this.settings.update(await this.sites.findByDomain(domain), changes, cliActor());
        const secret = result.newBypassSecret;
        return {
          ...siteView(result.site, this.access.view(result.site)),
          changed: result.changed,
          rulesReapplied: result.rulesReapplied,
          newBypassSecret: secret ? { secret, ...bypassInstructions(result.site.domain, secret) } : null,
        };
      },
      updatedSentence,
    );
  }

  @Option({ flags: '--name <name>', description: 'display name' })
  parseName(value: string): string {
    return value;
  }

  @Option({ flags: '--subdomains <list>', description: 'cover only the apex and these subdomains (comma-separated)' })
  parseSubdomains(value: string): string {
    return value;
  }

  @Option({ flags: '--all-subdomains', description: 'cover the apex and every subdomain with one rule' })
  parseAllSubdomains(): boolean {
    return true;
  }

  @Option({ flags: '--maintenance-url <url>', description: 'send visitors to this URL' })
  parseMaintenanceUrl(value: string): string {
    return value;
  }

  @Option({ flags: '--default-url', description: 'send visitors to PUBLIC_URL/maintenance' })
  parseDefaultUrl(): boolean {
    return true;
  }

  @Option({ flags: '--active', description: 'mark the site active' })
  parseActive(): boolean {
    return true;
  }

  @Option({ flags: '--inactive', description: 'mark the site inactive (bulk selectors and sync leave it alone)' })
  parseInactive(): boolean {
    return true;
  }

  @Option({ flags: '--api-key <name>', description: 'use another API key for this site' })
  parseApiKey(value: string): string {
    return value;
  }

  @Option({ flags: '--engine <engine>', description: engineHelp() })
  parseEngine(value: string): string {
    return value;
  }

  @Option({
    flags: '--bypass-ip <list>',
    description: 'redirect_rule and worker: IPv4/IPv6 addresses and CIDRs let through (comma-separated; replaces the list)',
  })
  parseBypassIp(value: string): string {
    return value;
  }

  @Option({ flags: '--default-bypass-ip', description: 'let MAINTENANCE_BYPASS_IPS through again instead of a list of its own' })
  parseDefaultBypassIp(): boolean {
    return true;
  }

  @Option({ flags: '--bypass-secret', description: 'redirect_rule and worker: generate a new bypass secret (shown once) and revoke the old one' })
  parseBypassSecret(): boolean {
    return true;
  }

  @Option({ flags: '--no-bypass', description: 'let nobody through: no bypass IPs (not even the default) and no secret' })
  parseNoBypass(): boolean {
    return false;
  }

  @Option({
    flags: '--exclude-path <list>',
    description: `redirect_rule and worker: path prefixes never redirected (comma-separated; replaces the list; ${ACME_CHALLENGE_PATH} is kept)`,
  })
  parseExcludePath(value: string): string {
    return value;
  }

  @Option({ flags: '--no-exclude-path', description: `redirect every path, ${ACME_CHALLENGE_PATH} included` })
  parseNoExcludePath(): boolean {
    return false;
  }

  @Option({ flags: '--default-exclude-path', description: `exclude only ${ACME_CHALLENGE_PATH} (the default)` })
  parseDefaultExcludePath(): boolean {
    return true;
  }

  @Option({ flags: '--page-title <text>', description: 'maintenance page: the heading (empty: the default)' })
  parsePageTitle(value: string): string {
    return value;
  }

  @Option({ flags: '--page-message <text>', description: "maintenance page: the message shown when no window's message or reason says more" })
  parsePageMessage(value: string): string {
    return value;
  }

  @Option({ flags: '--page-logo-url <url>', description: 'maintenance page: an https:// image shown above the heading' })
  parsePageLogoUrl(value: string): string {
    return value;
  }

  @Option({ flags: '--page-contact-url <url>', description: 'maintenance page: a "Contact us" link (https:// or mailto:)' })
  parsePageContactUrl(value: string): string {
    return value;
  }

  @Option({ flags: '--page-primary-color <#hex>', description: 'maintenance page: accent colour (#rgb or #rrggbb)' })
  parsePagePrimaryColor(value: string): string {
    return value;
  }

  @Option({ flags: '--page-background-color <#hex>', description: 'maintenance page: background colour' })
  parsePageBackgroundColor(value: string): string {
    return value;
  }

  @Option({ flags: '--page-text-color <#hex>', description: 'maintenance page: text colour' })
  parsePageTextColor(value: string): string {
    return value;
  }

  @Option({
    flags: '--page-template <file>',
    description: 'maintenance page: a whole HTML page with {{site}}, {{title}}, {{message}}, {{ends_at}}, {{contact_url}}, {{logo_url}} (no scripts)',
  })
  parsePageTemplate(value: string): string {
    return value;
  }

  @Option({ flags: '--no-page-template', description: 'maintenance page: back to the default design' })
  parseNoPageTemplate(): boolean {
    return false;
  }

  @Option({ flags: '--page-language <tag>', description: 'maintenance page: --page-title and --page-message set this language\'s translation (fr, pt-BR…)' })
  parsePageLanguage(value: string): string {
    return value;
  }

  @Option({ flags: '--remove-page-language <tag>', description: "maintenance page: remove this language's translation" })
  parseRemovePageLanguage(value: string): string {
    return value;
  }

  @Option({ flags: '--no-page-branding', description: "maintenance page: drop the site's own branding and use the global default (`maintenance page-default`)" })
  parseNoPageBranding(): boolean {
    return false;
  }
}
