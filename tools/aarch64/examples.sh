#!/bin/sh
# The examples' self-tests in the guest, each as its package.json "test" script runs it.
cd /repo/examples || exit 1
rc=0
for dir in seed-strict-mode seed-filter-mode node-lockdown bun-lockdown deno-lockdown apps; do
  echo "== examples/$dir"
  (cd "$dir" && PATH="/repo/node_modules/.bin:$PATH" npm_lifecycle_event=test sh -c "$(node -p 'require("./package.json").scripts.test')") || { echo "examples/$dir: FAILED"; rc=1; }
done
exit $rc
