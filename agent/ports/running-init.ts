// What the ServiceNotFound event asks the sync side: which init container of a pod runs right now. The
// published pod status lags behind the runtime (it is written after a round's starts), so a lookup made by
// a just-started init container would otherwise be blamed on the one before it.

/** The init container of the pod (by uid) running now; undefined when none runs or it is not known. */
export type RunningInitContainer = (podUid: string) => string | undefined;
