// What `deno publish` uploads for a package, as JSR then serves it: the files of
// publish.include, with bare specifiers that deno.json's "imports" maps rewritten to their
// targets (deno publish does this, "unfurling"; a JSR consumer never reads the package's
// import map). The consumer test serves this layout from a local JSR.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** @typedef {{ scope: string, name: string, version: string, exports: Record<string, string>, files: Map<string, Buffer> }} JsrPackage */

/** @param {string} dir @param {string} root @param {string[]} out @returns {string[]} */
function walk(dir, root, out) {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) walk(path, root, out);
    else out.push(relative(root, path));
  }
  return out;
}

/**
 * Rewrites `from '<key>'` and `from '<key>/sub'` for every import-map key.
 * @param {string} source @param {Record<string, string>} imports
 */
export function unfurl(source, imports) {
  return source.replace(/(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])([^'"]+)\2/g, (/** @type {string} */ whole, /** @type {string} */ lead, /** @type {string} */ quote, /** @type {string} */ spec) => {
    for (const [key, target] of Object.entries(imports)) {
      if (spec === key) return `${lead}${quote}${target}${quote}`;
      if (spec.startsWith(`${key}/`)) return `${lead}${quote}${target}${spec.slice(key.length)}${quote}`;
    }
    return whole;
  });
}

/**
 * @param {string} dir the package's folder (with deno.json)
 * @returns {JsrPackage}
 */
export function jsrLayout(dir) {
  const config = JSON.parse(readFileSync(join(dir, 'deno.json'), 'utf8'));
  /** @type {Record<string, string>} */
  const imports = config.imports ?? {};
  const files = new Map();
  for (const include of /** @type {string[]} */ (config.publish.include)) {
    const path = join(dir, include);
    const list = statSync(path).isDirectory() ? walk(path, dir, []) : [include];
    for (const rel of list) {
      const bytes = readFileSync(join(dir, rel));
      files.set(rel, /\.[cm]?[jt]sx?$/.test(rel) ? Buffer.from(unfurl(bytes.toString('utf8'), imports)) : bytes);
    }
  }
  for (const [rel, bytes] of files) {
    const left = /\.[cm]?[jt]sx?$/.test(rel) && Object.keys(imports).find((k) => new RegExp(`(['"])${k}(/[^'"]*)?\\1`).test(bytes.toString('utf8')));
    if (left) throw new Error(`jsr layout: ${rel} still imports the bare specifier ${left}`);
  }
  const [scope, name] = config.name.slice(1).split('/');
  return { scope, name, version: config.version, exports: config.exports, files };
}
