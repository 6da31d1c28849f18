import { ConfigError, loadConfig, type Config } from '../config.js';

/** Parses the environment or exits naming the bad variable. */
export function configOrExit(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`zcd: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}
