// Kubernetes resource quantities ("100m" CPU, "64Mi" memory), read as apimachinery's ParseQuantity reads them.

/** resource.ErrFormatWrong, the API server's decode error for a quantity that is not one. */
export const QUANTITY_FORMAT_ERROR =
  "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
/** resource.ErrSuffix: the form is right but the suffix names no unit ("1kk"). */
const QUANTITY_SUFFIX_ERROR = "unable to parse quantity's suffix";

const BINARY: Record<string, number> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};
const DECIMAL: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};

// parseQuantityString's grammar: a sign, digits with an optional fraction (either may be empty, as in "1."),
// then the suffix's letters, an optional sign and digits. Which suffixes mean something is checked after.
const FORM = /^([+-]?)([0-9]*(?:\.[0-9]*)?)([eEinumkKMGTP]*[-+]?[0-9]*)$/;

/** The multiplier a suffix stands for (quantitySuffixer.interpret), or undefined for none. */
function multiplier(suffix: string): number | undefined {
  const unit = BINARY[suffix] ?? DECIMAL[suffix];
  if (unit !== undefined) return unit;
  if (/^[eE][-+]?[0-9]+$/.test(suffix)) return 10 ** Number(suffix.slice(1));
  return undefined;
}

/** The quantity's value (negative ones included), or the decode error upstream gives for it. */
export function readQuantity(q: string | number): { value: number } | { error: string } {
  const text = String(q).trim();
  const m = FORM.exec(text);
  if (!m || !m[2]) return { error: QUANTITY_FORMAT_ERROR }; // a number first, as the error's expression says ("Ki" is none)
  const unit = multiplier(m[3] ?? '');
  if (unit === undefined) return { error: QUANTITY_SUFFIX_ERROR };
  const digits = m[2] ?? '';
  const base = digits === '' || digits === '.' ? 0 : Number(digits);
  return { value: (m[1] === '-' ? -base : base) * unit };
}

/** The quantity's value as a number, or undefined when it is not a valid quantity or is negative. */
export function parseQuantity(q: string | number): number | undefined {
  if (typeof q === 'number' && !Number.isFinite(q)) return undefined;
  const read = readQuantity(q);
  return 'value' in read && read.value >= 0 ? read.value : undefined;
}
