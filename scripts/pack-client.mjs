#!/usr/bin/env node
/**
 * `npm run pack:client`: the typed client package (mdm-users-client) into dist/packs/: the client
 * and the generated spec types compiled to CommonJS with declarations, the spec, its README.
 * `--no-pack` only builds it into dist/packages/client/.
 */
import { join } from 'node:path';
import { copyInto, main, tsc } from './pack-common.mjs';

main('client', (stage) => {
  tsc(join('scripts', 'packages', 'client', 'tsconfig.json'));
  copyInto(stage, join('openapi', 'mdm-users.yaml'));
});
