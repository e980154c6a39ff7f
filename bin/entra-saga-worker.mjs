// The worker's entry behind bin/entra-saga-worker (which sets the process's malloc settings first): worker/main.ts
// through tsx's loader.
import { register } from 'tsx/esm/api';

register();
await import(new URL('../worker/main.ts', import.meta.url).href);
