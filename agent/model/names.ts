// Name rules from apimachinery's validation (IsDNS1123Label, IsDNS1123Subdomain, IsDNS1035Label,
// IsValidPortName).

interface NameRule {
  pattern: RegExp;
  max: number;
  /** What the rule says when the pattern does not match, as upstream words it. */
  text: string;
}

const RULES = {
  label: {
    pattern: /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/,
    max: 63,
    text: "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
  },
  subdomain: {
    pattern: /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/,
    max: 253,
    text: "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
  },
  dns1035: {
    pattern: /^[a-z]([-a-z0-9]*[a-z0-9])?$/,
    max: 63,
    text: "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
  },
} satisfies Record<string, NameRule>;

function problems(rule: NameRule, value: string): string[] {
  const out: string[] = [];
  if (value.length > rule.max) out.push(`must be no more than ${rule.max} characters`);
  if (!rule.pattern.test(value)) out.push(rule.text);
  return out;
}

export const dns1123LabelProblems = (v: string): string[] => problems(RULES.label, v);
export const dns1123SubdomainProblems = (v: string): string[] => problems(RULES.subdomain, v);
export const dns1035LabelProblems = (v: string): string[] => problems(RULES.dns1035, v);

/** IsValidPortName (IANA_SVC_NAME): a container port's name and a Service's named targetPort; every problem. */
export function portNameProblems(v: string): string[] {
  const out: string[] = [];
  if (v.length > 15) out.push('must be no more than 15 characters');
  if (!/^[-a-z0-9]+$/.test(v))
    out.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)');
  if (!/[a-z]/.test(v)) out.push('must contain at least one letter (a-z)');
  if (v.includes('--')) out.push('must not contain consecutive hyphens');
  if (v.startsWith('-') || v.endsWith('-')) out.push('must not begin or end with a hyphen');
  return out;
}
