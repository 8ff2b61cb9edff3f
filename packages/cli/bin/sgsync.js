#!/usr/bin/env node
// The sgsync command. It runs the TypeScript sources through tsx, so the
// workspace needs no build step before it is used.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
