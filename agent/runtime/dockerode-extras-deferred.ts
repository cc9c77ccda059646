// Imported by docker-runtime.ts before dockerode (a side effect on purpose): see deferred-module.ts.
import { deferDockerodeExtras } from './deferred-module';

deferDockerodeExtras();
