#!/usr/bin/env node
/**
 * `npm run pack:server`: the server package (mdm-users-server) into dist/packs/: all of src/ but the
 * client (the server; its embedded Jamf simulator, which the server requires only on first need; the
 * programmatic mock API in src/mock) compiled with declarations, the
 * spec it reads at run time, the rendered docs page it serves at /docs, its README. The `mdm-users`
 * command is src/mock/bin.ts. `--no-pack` only builds it into dist/packages/server/.
 */
import { join } from 'node:path';
import { copyInto, main, ROOT, run, tsc } from './pack-common.mjs';

main('server', (stage) => {
  tsc(join('scripts', 'packages', 'server', 'tsconfig.json'));
  copyInto(stage, join('openapi', 'mdm-users.yaml'));
  // The server finds the spec and build/docs/index.html from its package root (src/server/spec.ts).
  run(process.execPath, [join(ROOT, 'scripts', 'build-docs.js'), '--out', join(stage, 'build', 'docs', 'index.html')]);
});
