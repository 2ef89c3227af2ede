import type { Command } from 'commander';
import type { CommandRunner } from 'nest-commander';

/**
 * nest-commander builds each (sub)command with `new Command()`, which does not inherit the root's
 * exitOverride, so a usage error in a subcommand would call process.exit(1) directly. Make every
 * command throw instead, so the error gets exit code 2 and the database is closed properly.
 */
export function throwUsageErrors(anyCommand: CommandRunner, programName: string): void {
  let root = (anyCommand as unknown as { command: Command }).command;
  while (root.parent) root = root.parent;
  root.name(programName);
  const visit = (command: Command): void => {
    command.exitOverride((error) => {
      throw error;
    });
    command.commands.forEach(visit);
  };
  visit(root);
}
