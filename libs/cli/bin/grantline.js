#!/usr/bin/env node
// Committed entry point, so `npm ci` can link the command before the TypeScript is built.
try {
  require('../dist/main.js');
} catch (error) {
  if (error && error.code === 'MODULE_NOT_FOUND' && String(error.message).includes('dist/main.js')) {
    process.stderr.write('grantline is not built yet: run `npm run build` first\n');
    process.exit(1);
  }
  throw error;
}
