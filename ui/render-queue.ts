// Draws at most once per frame however many watch events arrive (110 ADDED events: one draw).
export function renderQueue(draw: () => void): () => void {
  let queued = false;
  return () => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      draw();
    });
  };
}
