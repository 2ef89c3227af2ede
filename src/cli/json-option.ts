import { CommandRunner, Option } from 'nest-commander';
import type { OutputOptions } from './cli-output.js';

/** Every command accepts --json; this base declares it once. */
export abstract class OutputCommand<Options extends OutputOptions = OutputOptions> extends CommandRunner {
  abstract override run(params: string[], options: Options): Promise<void>;

  @Option({ flags: '--json', description: 'print the result as JSON' })
  parseJson(): boolean {
    return true;
  }
}
