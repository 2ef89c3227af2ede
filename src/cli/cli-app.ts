import 'reflect-metadata';
import { CommandFactory } from 'nest-commander';
import { CliModule } from './cli.module.js';
import { throwUsageErrors } from './commander-setup.js';
import { ListCommand } from './commands/list.command.js';
import { exitCodeFor, isUsageError } from './exit-codes.js';
import { loadConfig } from '../config/load-config.js';

function report(error: unknown): void {
  process.exitCode = exitCodeFor(error);
  // Commander has already printed its own usage errors.
  if (!isUsageError(error)) process.stderr.write(`Error: ${error instanceof Error ? error.message : String(error)}\n`);
}

try {
  const app = await CommandFactory.createWithoutRunning(CliModule.register(loadConfig()), {
    logger: false,
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
