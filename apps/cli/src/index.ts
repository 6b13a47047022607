export { main } from './main.js';
export { createProgram } from './program.js';
export { CliError, EXIT_FAILED, EXIT_OK, EXIT_USAGE, processIo, type Io, type Output } from './io.js';
export { validateCommand, type ValidateArgs } from './commands/flow-validate.js';
export { testCommand, type TestArgs, type TestReport } from './commands/flow-test.js';
export { runCommand, type RunArgs } from './commands/flow-run.js';
