// deno.json (JSR) and package.json (npm) describe one package: they must not drift apart.
import assert from 'node:assert/strict';

const read = (url: URL) => JSON.parse(Deno.readTextFileSync(url));
const denoJson = read(new URL('../deno.json', import.meta.url));
const pkg = read(new URL('../package.json', import.meta.url));
const core = read(new URL('../../core/package.json', import.meta.url));

Deno.test('deno.json and package.json agree on name, version and license', () => {
  assert.equal(denoJson.name, pkg.name);
  assert.equal(denoJson.version, pkg.version, 'bump deno.json with the changeset release');
  assert.equal(denoJson.license, pkg.license);
});

Deno.test('JSR maps @seccomp/core to the npm release of the same version', () => {
  assert.equal(denoJson.imports['@seccomp/core'], `npm:@seccomp/core@${core.version}`);
});

Deno.test('the JSR entries exist (main and lean lockdown) and the published files include them', () => {
  assert.deepEqual(denoJson.exports, { '.': './src/index.ts', './lockdown': './src/lockdown.ts' });
  for (const file of Object.values(denoJson.exports as Record<string, string>)) assert.ok(Deno.statSync(new URL(`../${file}`, import.meta.url)).isFile, file);
  assert.ok(denoJson.publish.include.includes('src'));
});
