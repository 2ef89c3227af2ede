#!/usr/bin/env node
import { enableCompileCache } from 'node:module';

// Node keeps the compiled code of every module loaded after this call on disk, so every run after the first
// skips most of the parse and compile time; the modules must therefore be imported after it.
enableCompileCache();
await import('./cli/cli-app.js');
