// A duration as Go's time.Duration prints it after Truncate(time.Millisecond), as the kubelet's Pulled
// event shows it: 512ms, 1.234s, 1m2.5s.

export function goDuration(ms: number): string {
  const whole = Math.max(0, Math.floor(ms));
  if (whole === 0) return '0s';
  if (whole < 1000) return `${whole}ms`;
  const seconds = (n: number): string => `${(n / 1000).toFixed(3).replace(/\.?0+$/, '')}s`;
  const minutes = Math.floor(whole / 60_000);
  const hours = Math.floor(minutes / 60);
  const rest = whole - minutes * 60_000;
  if (minutes === 0) return seconds(whole);
  return `${hours ? `${hours}h${minutes % 60}m` : `${minutes}m`}${seconds(rest)}`;
}
