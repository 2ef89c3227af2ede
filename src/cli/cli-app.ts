import 'reflect-metadata';
import { CommandFactory } from 'nest-commander';
import { printFailure } from './cli-output.js';
import { CliModule } from './cli.module.js';
import { throwUsageErrors } from './commander-setup.js';
import { ListCommand } from './commands/list.command.js';
import { exitCodeFor, isUsageError } from './exit-codes.js';
import { loadConfig } from '../config/load-config.js';
import { resolveSecretKey } from '../config/secret-key.js';

/**
 * What failed outside a command's own output: the configuration, opening the database (while the
 * application is created, before any command runs), or commander's usage errors, which it has printed.
 */
function report(error: unknown): void {
  if (isUsageError(error)) {
    process.exitCode = exitCodeFor(error);
    return;
  }
  printFailure({ json: process.argv.slice(2).includes('--json') }, error);
}

try {
  const config = loadConfig();
  // Refused here, before the database is opened: a provider failing after it would leave it open.
  resolveSecretKey(config);
  const app = await CommandFactory.createWithoutRunning(CliModule.register(config), {
    logger: false,
    // Else Nest exits with code 1 and, without a logger, in silence when a provider (the database) fails.
    abortOnError: false,
    serviceErrorHandler: report,
  });
  try {
    throwUsageErrors(app.get(ListCommand), 'maintenance');
    await CommandFactory.runApplication(app);
  } finally {
    await app.close();
  }
} catch (error) {
  report(error);
}
