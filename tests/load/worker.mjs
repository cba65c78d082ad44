// Worker threads do not inherit the main thread's `--import tsx`: register tsx, then load the TS worker.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
