/**
 * A node:test reporter that lists skipped tests, each with its reason, and counts them. The
 * dot reporter prints a skip as a dot, so a check that could not run here (it needs root, a
 * readable kernel log, …) would look like a pass; this puts it in the output instead. Use it
 * beside another reporter:
 *
 *   node --test --test-reporter=dot --test-reporter-destination=stdout \
 *        --test-reporter=../../tools/skip-reporter.mjs --test-reporter-destination=stdout
 */
export default async function* skipReporter(source) {
  const skipped = [];
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const { skip, name, file } = event.data;
    if (skip === undefined || skip === false) continue;
    const where = file ? ` (${file.split('/').slice(-2).join('/')})` : '';
    skipped.push(`  - ${name}${where}: ${skip === true ? 'no reason given' : skip}`);
  }
  if (skipped.length) yield `\n${skipped.length} skipped:\n${skipped.join('\n')}\n`;
}
