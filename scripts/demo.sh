#!/usr/bin/env bash
# A scripted walk through handover's main job, in a scratch repository that is removed afterwards:
# init, a manual capture, what a new agent session is told, an automatic capture driven by the quota
# (a stand-in openusage daemon at 95%) that carries the manual next steps over, then the next tool started with
# `handover run --claim` on a fresh clone, where `pickup --apply` reproduces the work; `handover doctor` there last.
set -euo pipefail

project="$(cd "$(dirname "$0")/.." && pwd)"
cli="$project/dist/handover.js"
[ -f "$cli" ] || { echo "demo: $cli is missing; run npm run build first" >&2; exit 1; }

scratch="$(mktemp -d "${TMPDIR:-/tmp}/handover-demo.XXXXXX")"
daemon_pid=""
cleanup() {
  [ -n "$daemon_pid" ] && kill "$daemon_pid" 2>/dev/null || true
  rm -rf "$scratch"
}
trap cleanup EXIT

# The demo brings its own identity and config: it works on a machine with no git setup at all.
export HOME="$scratch/home" GIT_CONFIG_NOSYSTEM=1
export GIT_AUTHOR_NAME="Demo" GIT_AUTHOR_EMAIL="demo@example.invalid"
export GIT_COMMITTER_NAME="Demo" GIT_COMMITTER_EMAIL="demo@example.invalid"
mkdir -p "$HOME"

handover() { node "$cli" "$@"; }
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
show() { printf '\033[2m$ %s\033[0m\n' "$*"; }

step "A project with work in progress"
repo="$scratch/shop"
mkdir -p "$repo/src" && cd "$repo"
git init --quiet --initial-branch=main
printf 'export const total = (items) => items.reduce((sum, item) => sum + item.price, 0)\n' > src/cart.js
printf 'node_modules/\n' > .gitignore
git add -A && git commit --quiet -m "cart"
printf 'export const total = (items, discount = 0) =>\n  items.reduce((sum, item) => sum + item.price, 0) - discount\n' > src/cart.js
printf 'export const discount = 10\n' > src/discount.js
printf '\x89PNG\r\n\x1a\n\x00\x00binary' > logo.png
mkdir -p node_modules && echo "ignored" > node_modules/dep.js
git status --short

step "handover init: the store and its config"
show "handover init"; handover init

step "A manual capture (what an agent runs when it is told to hand over)"
show 'handover capture --title "Discounts in the cart total" --summary … --next-step …'
handover capture --title "Discounts in the cart total" \
  --summary "total() now subtracts a discount; src/discount.js holds the rate. Tests not run yet." \
  --next-step "Run the cart tests" --next-step "Load the discount from the config" --source claude
show "handover status"; handover status

step "What a new Codex session is told (SessionStart hook output, JSON)"
show "handover session-start --format codex"
handover session-start --format codex | node -e '
  const hook = JSON.parse(require("fs").readFileSync(0, "utf8")).hookSpecificOutput
  console.log(`hookEventName: ${hook.hookEventName}\nadditionalContext (${hook.additionalContext.length} chars):\n`)
  console.log(hook.additionalContext.split("\n").slice(0, 12).join("\n") + "\n…")'

step "Quota-driven: an openusage daemon reports Claude at 95% of its 5h window"
"$project/node_modules/.bin/esbuild" "$project/scripts/fake-openusage.ts" --bundle --platform=node --format=esm \
  --outfile="$scratch/fake-openusage.mjs" --log-level=warning
node "$scratch/fake-openusage.mjs" --claude 95 --codex 30 > "$scratch/daemon.out" &
daemon_pid=$!
for _ in $(seq 50); do [ -s "$scratch/daemon.out" ] && break; sleep 0.1; done
export OPENUSAGE_TELEMETRY_SOCKET="$(head -n 1 "$scratch/daemon.out")"
show "handover status --probe"; handover status --probe | tail -n 3
echo "more work" >> src/discount.js
payload="{\"session_id\":\"demo\",\"cwd\":\"$repo\",\"hook_event_name\":\"Stop\",\"last_assistant_message\":\"Discount applied; the cart tests still fail.\"}"
show "echo '<Claude Stop payload>' | handover on-event --tool claude --verbose"
echo "$payload" | handover on-event --tool claude --verbose
show "(the same event again: at most one capture per quota window)"
echo "$payload" | handover on-event --tool claude --verbose
show "handover pending"; handover pending

step "The lifecycle: the automatic capture superseded the manual one and carried its next steps over"
show "handover status"; handover status | sed -n '/^Bundles/,/^Trigger/p' | sed '$d'
show "handover inspect   # the pending bundle's next steps"
handover inspect | sed -n '/^## Next steps/,/^## /p' | sed '$d'
id="$(handover pending --json | node -e 'console.log(JSON.parse(require("fs").readFileSync(0, "utf8")).bundle.id)')"

step "The next tool resumes on a fresh clone: handover run --claim --target codex -- <agent>"
clone="$scratch/clone"
show "git clone shop clone && cd clone && handover init"
git clone --quiet "$repo" "$clone" && cd "$clone"
handover init > /dev/null
show "cp -R ../shop/.handover/bundles/$id .handover/bundles/   # a handover is plain files: carry the bundle over"
cp -R "$repo/.handover/bundles/$id" .handover/bundles/
# A stand-in for Codex: it shows what handover gave it, then applies the work, as its resume prompt tells it to.
mkdir -p "$scratch/bin"
cat > "$scratch/bin/codex" <<'AGENT'
#!/usr/bin/env bash
echo "  [codex stand-in] started with $# argument(s); the first lines of its initial prompt:"
printf '%s\n' "$1" | head -n 4 | sed 's/^/  [codex stand-in]   /'
echo "  [codex stand-in] HANDOVER_BUNDLE_ID=$HANDOVER_BUNDLE_ID"
echo "  [codex stand-in] HANDOVER_PATCH=${HANDOVER_PATCH#"$PWD"/}"
echo "  [codex stand-in] \$ handover pickup \$HANDOVER_BUNDLE_ID --apply"
node "$DEMO_CLI" pickup "$HANDOVER_BUNDLE_ID" --apply > /dev/null
echo "  [codex stand-in] \$ git status --short"
git status --short | sed 's/^/  [codex stand-in]   /'
exit 0
AGENT
chmod +x "$scratch/bin/codex"
export DEMO_CLI="$cli"
show "handover run --claim --target codex --prompt -- codex"
PATH="$scratch/bin:$PATH" handover run --claim --target codex --prompt -- codex
echo "(exit $?: codex's own)"
show "handover pending   # exit 3: nothing is waiting any more"
set +e; handover pending; code=$?; set -e; echo "(exit $code)"

step "pickup --apply reproduced the work on the clone"
if diff -r --exclude=.git --exclude=.handover --exclude=node_modules "$repo" "$clone"; then
  echo "The clone now matches the original working tree byte for byte (binary file included)."
fi
show "handover pickup $id --apply   # again: it checks first and changes nothing"
handover pickup "$id" --apply > /dev/null
step "handover doctor: one line per check, and the command that fixes each problem"
show "handover doctor   # this clone has the store and the daemon, but no agent's hooks yet"
set +e; handover doctor; code=$?; set -e; echo "(exit $code)"

echo; echo "Demo done; the scratch repositories are removed."
