#!/bin/sh
# Runs inside the aarch64 guest (guest-boot.sh starts it), in /repo, the staged repository.
# Each step writes JUnit (or a log) to /results, the host's share, as soon as it ends, so a
# failure is visible while later steps still run. Node's conformance suite comes first.
#
#   guest.sh smoke   the environment report and Node's conformance suite
#   guest.sh full    that, then the cross-compiled lockdown, arm32 compat, the presets, every
#                    suite on Bun and Deno, the examples' self-tests, the rest of Node's and
#                    core's tests (the golden recording comes first)
#   guest.sh full a,b  only the steps named (after the environment report)
mode="${1:-smoke}"
only="${2:-}"
R=/results
cd /repo || exit 1
export UV_USE_IO_URING=0 CI=1
# The official Node build and libseccomp 2.5.4, both staged by stage.sh (docs/aarch64.md).
export PATH="/repo/.aarch64/node/bin:$PATH"
export SECCOMP_LIBRARY_PATH=/repo/.aarch64/libseccomp/libseccomp.so.2
system_libseccomp=/usr/lib/aarch64-linux-gnu/libseccomp.so.2
BIN=/repo/node_modules/.bin
REPORTER="--test-reporter=/repo/tools/totals-reporter.mjs --test-reporter-destination=stdout --test-reporter=junit"

step() { # id, then the command; its output goes to $R/<id>.log, its status to $R/steps
  id="$1"; shift
  echo "aarch64-guest: $id ..."
  start=$(date +%s)
  "$@" >"$R/$id.log" 2>&1
  rc=$?
  echo "$id $rc $(( $(date +%s) - start ))" >>"$R/steps"
  echo "aarch64-guest: $id exit $rc ($(( $(date +%s) - start )) s)"
  tail -4 "$R/$id.log"
}

env_report() {
  uname -a
  echo "node $(node --version) ($(command -v node)), bun $($BIN/bun --version), deno $($BIN/deno --version | head -1)"
  echo "libseccomp: the suites load $SECCOMP_LIBRARY_PATH (2.5.4, Debian 12); the system has $(dpkg-query -W -f='${Version}' libseccomp2); gcc $(gcc -dumpversion)"
  echo "cpus $(nproc), memory $(awk '/MemTotal/ {print $2 " kB"}' /proc/meminfo)"
  grep -E '^(Seccomp|NoNewPrivs)' /proc/self/status
}

node_tests() { # package folder, result id, test files (relative to the package)
  dir="$1" id="$2"; shift 2
  (cd "packages/$dir" && node --import tsx --test --test-concurrency=1 $REPORTER --test-reporter-destination="$R/$id.xml" "$@")
}

# Each step by name; `only` runs the ones named (run.sh --steps=a,b), in this order.
wanted() { [ -z "$only" ] || case ",$only," in *",$1,"*) return 0 ;; *) return 1 ;; esac; }
run_step() { wanted "$1" && step "$@"; return 0; }

: >"$R/steps"
step environment env_report
# The full run records the golden sets on aarch64 first (one child each, quick), so every
# runtime's golden tests compare against them; the host copies them back.
[ "$mode" != smoke ] && run_step golden.record sh -c "node --import tsx packages/core/scripts/golden.ts &&
  SECCOMP_LIBRARY_PATH=$system_libseccomp node --import tsx packages/core/scripts/golden.ts &&
  mkdir -p $R/golden && cp -r packages/core/testing/golden/. $R/golden/"
run_step node.conformance node_tests node node.conformance test/conformance.test.ts
[ "$mode" = smoke ] && exit 0

run_step cross-lockdown node tools/aarch64/cross-check.mjs /repo/.aarch64/cross
run_step arm32-compat node tools/aarch64/compat.mjs
# Presets measured as on x86_64 (strace while each runtime serves HTTP); the generated table is
# copied out for the host to compare with x86_64's (docs/lockdown.md).
run_step presets sh -c "node --import tsx packages/core/scripts/measure-presets.ts && cp packages/core/src/lockdown/measured.generated.ts $R/measured.generated.aarch64.ts"
run_step bun.bun sh -c "cd packages/bun && $BIN/bun test --timeout=600000 --reporter=junit --reporter-outfile=$R/bun.bun.xml"
run_step deno.deno sh -c "cd packages/deno && $BIN/deno test -A --no-check --unstable-sloppy-imports --junit-path=$R/deno.deno.xml test/"
run_step examples sh /repo/tools/aarch64/examples.sh
run_step node.node node_tests node node.node $(cd packages/node && ls test/*.test.ts | grep -v conformance)
run_step core.node node_tests core core.node $(cd packages/core && ls test/*.test.ts)
exit 0
