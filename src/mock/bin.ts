#!/usr/bin/env node
/**
 * `mdm-users`, the command of the server package: the same server as `node dist/src/main.js`
 * (`npm start`), read from the same environment variables.
 */
import '../main';
