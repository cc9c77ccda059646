// The `$(VAR)` syntax of env values, command, args and subPathExpr, as upstream's forked expansion package
// reads it: `$$` is a literal `$`; `$(NAME)` is replaced by what the mapping gives; any other `$`, and an
// unclosed `$(`, stay as written.

/** What `$(NAME)` becomes. */
export type Mapping = (name: string) => string;

export function expand(input: string, mapping: Mapping): string {
  return input.replace(/\$\$|\$\(([^)]*)\)/g, (match, name: string | undefined) =>
    match === '$$' ? '$' : mapping(name ?? ''),
  );
}

/** MappingFuncFor: the first map that has the name gives its value; no map has it: `$(NAME)` unchanged. */
export function mappingFor(...maps: ReadonlyMap<string, string>[]): Mapping {
  return (name) => {
    for (const m of maps) {
      const value = m.get(name);
      if (value !== undefined) return value;
    }
    return `$(${name})`;
  };
}
