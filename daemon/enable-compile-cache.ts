// Imported first by main.ts (a side effect on purpose): every module loaded after it goes through the cache.
import { enableCompileCache, nodeCompileCache } from './compile-cache';

enableCompileCache(nodeCompileCache);
