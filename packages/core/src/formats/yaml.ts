/**
 * Just enough YAML to write a Kubernetes resource: block mappings and sequences, strings
 * always double-quoted (JSON's escaping is valid YAML), numbers and booleans plain. Core has
 * no dependencies, and this shape needs nothing more.
 */
export type YamlValue = string | number | bigint | boolean | null | readonly YamlValue[] | { readonly [key: string]: YamlValue | undefined };

function scalar(v: string | number | bigint | boolean | null): string {
  if (typeof v === 'string') return JSON.stringify(v);
  return v === null ? 'null' : String(v);
}

function isScalar(v: YamlValue): v is string | number | bigint | boolean | null {
  return v === null || typeof v !== 'object';
}

function lines(v: YamlValue, indent: string, out: string[]): void {
  if (Array.isArray(v)) {
    for (const item of v as readonly YamlValue[]) {
      if (isScalar(item)) out.push(`${indent}- ${scalar(item)}`);
      else if (Array.isArray(item) || Object.keys(item).length === 0) out.push(`${indent}- ${Array.isArray(item) ? '[]' : '{}'}`);
      else {
        // The item's first key goes on the dash line, the rest under it.
        const inner: string[] = [];
        lines(item, `${indent}  `, inner);
        out.push(`${indent}- ${inner[0]!.slice(indent.length + 2)}`, ...inner.slice(1));
      }
    }
    return;
  }
  for (const [key, value] of Object.entries(v as Record<string, YamlValue | undefined>)) {
    if (value === undefined) continue;
    const k = /^[A-Za-z_][A-Za-z0-9_.\/-]*$/.test(key) ? key : JSON.stringify(key);
    if (isScalar(value)) out.push(`${indent}${k}: ${scalar(value)}`);
    else if (Array.isArray(value) ? value.length === 0 : Object.keys(value).length === 0) out.push(`${indent}${k}: ${Array.isArray(value) ? '[]' : '{}'}`);
    else {
      out.push(`${indent}${k}:`);
      lines(value, Array.isArray(value) ? indent : `${indent}  `, out);
    }
  }
}

/** One YAML document for a mapping, ending in a newline. */
export function toYaml(doc: { readonly [key: string]: YamlValue | undefined }): string {
  const out: string[] = [];
  lines(doc, '', out);
  return `${out.join('\n')}\n`;
}
