# symcheck: `make check` runs the whole claim suite, `make test` the everyday tests. Both set up
# a local virtualenv (.venv) on first use. One target per claim variant, named like
# the public TLA+ suite's: a green exits 0 when it holds, a red exits 0 when it is
# violated as expected (and prints its trace).

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
SYMCHECK := $(VENV)/bin/symcheck
STAMP := $(VENV)/.installed-stamp

.PHONY: install check test test-fast test-slow test-all lint results bench soak clean targets mutation-parity conformance trace-validation case-check

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# CHECK_ARGS adds options, e.g. make check CHECK_ARGS="--results ci-results" (the CI workflow)
check: $(STAMP)
	$(SYMCHECK) check --strict $(CHECK_ARGS)

# the tests in tiers, on every core (pytest-xdist; Hypothesis's quick profile unless CI is set
# or HYPOTHESIS_PROFILE=thorough): `make test` the everyday tier (the tests not marked slow;
# test-fast is its former name), `make test-slow` the tests marked slow (whole-suite sweeps,
# long Hypothesis runs), `make test-all` both in one run, as .ci/run does. The long tiers
# print one line per finished test (count, elapsed time, seconds) instead of a dot.
# ruff over the whole tree; mypy with strict flags on the solving layer, the engines,
# the IR and the result types (pyproject.toml lists them; the rest is checked leniently
# and not yet clean: see the mypy count in the README)
STRICT_TYPED := symcheck/smt/solve.py symcheck/smt/unroll.py symcheck/smt/lasso.py symcheck/smt/horn.py \
	symcheck/smt/lemmas.py symcheck/engines symcheck/front/ir.py symcheck/front/overrides.py \
	symcheck/trace.py symcheck/errors.py symcheck/report/itf.py symcheck/report/junit.py \
	symcheck/report/sarif.py symcheck/report/table.py symcheck/report/catalog.py symcheck/progress.py
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy --follow-imports=silent $(STRICT_TYPED)

PYTEST := $(PY) -m pytest -q -n auto --dist loadgroup
test: $(STAMP)
	$(PYTEST) -m "not slow"

test-fast: test

test-slow: $(STAMP)
	$(PYTEST) -m slow --progress-lines --durations=20

test-all: $(STAMP)
	$(PYTEST) --progress-lines --durations=20

results: $(STAMP)
	rm -rf results/*.json results/*.txt results/itf results/junit.xml results/results.sarif results/run.log
	$(SYMCHECK) check --results results
	$(SYMCHECK) case --results results --format json -o results/case.json
	$(SYMCHECK) case --results results -o results/case.md

# the security case against its committed baseline (results/case.json): fails when the
# argument weakens (a proof becomes bounded or unknown, a conformance agreement drops, a
# finding stops reproducing, an assumption loses its test) or strengthens without the
# baseline updated (`make results`)
case-check: $(STAMP)
	$(SYMCHECK) check --results ci-results --format markdown >/dev/null || true
	$(SYMCHECK) case --results ci-results --baseline results/case.json -o ci-results/case.md

bench: $(STAMP)
	$(PY) bench/suite.py

# differential soak: 5,000 random claims, BMC against the explicit-state evaluator
# (seeded; SOAK_ARGS="--examples 20000 --seed 3" for more)
SOAK_ARGS ?= --examples 5000 --seed 0
soak: $(STAMP)
	$(PY) bench/soak.py $(SOAK_ARGS)

# the same bug planted in a reference TLA+ spec and in its claim: TLC and symcheck must
# agree (bench/mutation-parity.yaml; needs the reference suite and java for the TLC
# side: REFERENCE=DIR or $SYMCHECK_REFERENCE, default /work/ref)
REFERENCE ?=
mutation-parity: $(STAMP)
	$(PY) bench/mutation_parity.py $(if $(REFERENCE),--reference $(REFERENCE))

# the claims against OpenClaw's real code (conformance/): installs openclaw@2026.9.6,
# clawdbot@2026.1.24 and Node 24 into ~/.cache/symcheck with npm on first use (prints a
# SKIP line when npm or the registry is unavailable); CONFORMANCE_ARGS="--inputs 1000" for less
CONFORMANCE_ARGS ?=
conformance: $(STAMP)
	$(PY) -m conformance.run $(CONFORMANCE_ARGS)

# trace validation of the stateful stores (conformance/traces.py): per store 1,000 histories
# of three Node processes driving the real store at once, the pairing store's checked against
# oc-pairing-code's transition relation, the exec-approvals store's against oc-exec-approvals;
# a progress line every 100 histories; TRACE_ARGS="--histories 100" for fewer,
# TRACE_ARGS="--store approvals" for one store
TRACE_ARGS ?=
trace-validation: $(STAMP)
	$(PY) -m conformance.traces $(TRACE_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache

# BEGIN CLAIM TARGETS (generated: `make targets` rewrites this block)
CLAIM_TARGETS := \
  approvals-token-unbounded \
  approvals-token-unbounded-negative \
  approvals-token \
  approvals-token-negative \
  approvals \
  approvals-negative \
  attacker \
  attacker-negative \
  attacker-nodes-negative \
  attacker-nodes-allowlist \
  attacker-nodes-allowlist-negative \
  config-normalization \
  config-normalization-negative \
  crash-restart-dedupe \
  crash-restart-dedupe-negative \
  dedupe-collision-fallback \
  dedupe-collision-fallback-negative \
  delivery-pipeline \
  delivery-pipeline-negative \
  delivery-route-stability \
  delivery-route-stability-negative \
  discord-interaction-idempotency \
  discord-interaction-idempotency-negative \
  discord-interaction-idempotency-at-most-once \
  discord-interaction-role-thread \
  discord-interaction-role-thread-negative \
  discord-pluralkit \
  discord-pluralkit-negative \
  discord-role-gating-thread-parent \
  discord-role-gating-thread-parent-negative \
  discord-role-gating \
  discord-role-gating-negative \
  elevated \
  elevated-negative \
  gateway-auth-conformance \
  gateway-auth-conformance-negative \
  gateway-auth-conformance-token-beyond-loopback \
  gateway-auth-conformance-secret-leaked \
  gateway-auth-proxy-header-spoof \
  gateway-auth-proxy-header-spoof-negative \
  gateway-auth-proxy \
  gateway-auth-proxy-negative \
  gateway-auth-tailscale \
  gateway-auth-tailscale-negative \
  gateway-exposure-matrix \
  gateway-exposure-matrix-negative \
  gateway-exposure-matrix-unsafe \
  gateway-exposure-v2 \
  gateway-exposure-v2-negative \
  gateway-exposure-v2-protected \
  gateway-exposure-v2-protected-negative \
  gateway-exposure-v2-unsafe-custom \
  gateway-exposure-v2-unsafe-tailnet \
  gateway-exposure-v2-unsafe-auto \
  gateway-exposure-v2-protected-custom \
  gateway-exposure-v2-protected-tailnet \
  gateway-exposure-v2-protected-password \
  gateway-exposure-v2-protected-auto \
  gateway-exposure \
  gateway-exposure-negative \
  groups \
  groups-negative \
  indirect-prompt-injection \
  indirect-prompt-injection-negative \
  ingress-dedupe-fallback \
  ingress-dedupe-fallback-negative \
  ingress-gating \
  ingress-gating-negative \
  ingress-idempotency \
  ingress-idempotency-negative \
  ingress-retry \
  ingress-retry-negative \
  ingress-trace \
  ingress-trace-negative \
  ingress-trace2 \
  ingress-trace2-negative \
  message-delete-session-binding \
  message-delete-session-binding-negative \
  message-edit-session-binding \
  message-edit-session-binding-negative \
  message-lifecycle-session-key \
  message-lifecycle-session-key-negative \
  multi-channel-identity-collision \
  multi-channel-identity-collision-negative \
  multi-channel-identity-override \
  multi-channel-identity-override-negative \
  multi-event-eventual-emission \
  multi-event-eventual-emission-negative \
  no-cross-stream \
  no-cross-stream-negative \
  nodes-pipeline-unbounded \
  nodes-pipeline-unbounded-negative \
  nodes-pipeline \
  nodes-pipeline-negative \
  nodes-policy \
  nodes-policy-negative \
  oc-exec-approvals \
  oc-exec-approvals-allow-once-replay \
  oc-exec-approvals-decision-overwritten \
  oc-exec-approvals-ignores-device \
  oc-exec-approvals-ignores-argv \
  oc-exec-approvals-ignores-node \
  oc-exec-approvals-no-window \
  oc-exec-approvals-fallback-without-scope \
  oc-exec-approvals-finding-unbound-requester \
  oc-exec-policy \
  oc-exec-policy-finding-invalid-value-fails-open \
  oc-exec-policy-finding-silent-config-runs-unasked \
  oc-exec-policy-file-loosens \
  oc-exec-policy-wildcard-over-agent \
  oc-gateway-auth-ratelimit \
  oc-gateway-auth-ratelimit-lockout-not-enforced \
  oc-gateway-auth-ratelimit-never-locks \
  oc-gateway-auth-ratelimit-no-loopback-exemption \
  oc-gateway-auth \
  oc-gateway-auth-no-trusted-proxies \
  oc-gateway-auth-finding-audit-container-default-bind \
  oc-gateway-auth-no-startup-refusal \
  oc-gateway-auth-unset-mode-is-none \
  oc-gateway-auth-tailscale-on-every-surface \
  oc-gateway-auth-trusted-proxy-any-source \
  oc-ingress \
  oc-ingress-finding-pairing-approval-authorizes-commands \
  oc-ingress-finding-mention-gate-fails-open-without-detection \
  oc-ingress-finding-access-groups-off-authorizes-every-sender \
  oc-ingress-deprecated-merge-for-unknown-policy \
  oc-ingress-open-dm-ignores-allowlist \
  oc-ingress-store-merged-under-allowlist \
  oc-ingress-empty-group-allowlist-is-open \
  oc-ingress-control-commands-unchecked \
  oc-ingress-bypass-ignores-any-mention \
  oc-pairing-code-unbounded \
  oc-pairing-code-unbounded-reused-code \
  oc-pairing-code \
  oc-pairing-code-unlocked \
  oc-pairing-code-evicts-at-cap \
  oc-pairing-code-refresh-resets-created \
  oc-pairing-code-codes-not-unique \
  oc-pairing-code-approve-expired \
  oc-routing \
  oc-routing-per-account-channel-peer \
  oc-routing-finding-main-scope-merges-dms \
  oc-routing-finding-per-peer-merges-channels \
  oc-routing-finding-canonical-name-is-a-sender-id \
  oc-routing-route-cache-key-omits-channel \
  oc-routing-scoped-entry-ignores-channel \
  oc-routing-links-two-hops \
  oc-routing-channel-peer-key-drops-channel \
  oc-routing-channel-binding-first-match \
  openclaw-session-key-conformance \
  openclaw-session-key-conformance-negative \
  pairing-idempotency \
  pairing-idempotency-negative \
  pairing-race \
  pairing-race-negative \
  pairing-refresh-race \
  pairing-refresh-race-negative \
  pairing-refresh \
  pairing-refresh-negative \
  pairing-unbounded \
  pairing-unbounded-duplicate \
  pairing \
  pairing-negative \
  pairing-cap-and-ttl \
  pairing-cap \
  pairing-cap-negative \
  pairing-clock-steps-back \
  policy-hot-reload \
  policy-hot-reload-negative \
  policy-hot-reload-tool-rewrites-config \
  precedence \
  precedence-negative \
  queue-drain \
  reaction-session-binding \
  reaction-session-binding-negative \
  retry-eventual-success \
  retry-eventual-success-negative \
  retry-termination \
  retry-termination-negative \
  routing-identity-channel-override \
  routing-identity-channel-override-negative \
  routing-identity-symmetry \
  routing-identity-symmetry-negative \
  routing-identity-transitive \
  routing-identity-transitive-negative \
  routing-identitylinks \
  routing-identitylinks-negative \
  routing-identitylinks-messages \
  routing-identitylinks-provider-spoof \
  routing-isolation \
  routing-isolation-negative \
  routing-precedence \
  routing-precedence-negative \
  routing-thread-parent-channel-override \
  routing-thread-parent-channel-override-negative \
  routing-thread-parent \
  routing-thread-parent-negative \
  routing-trirule \
  routing-trirule-negative \
  routing-unbounded \
  routing-unbounded-negative \
  session-explosion-bound \
  session-key-stability \
  session-key-stability-negative \
  taint-propagation \
  taint-propagation-negative \
  thread-parent-reaction-binding \
  thread-parent-reaction-binding-negative \
  two-worker-dedupe \
  two-worker-dedupe-negative

.PHONY: $(CLAIM_TARGETS)
$(CLAIM_TARGETS): $(STAMP)
	$(SYMCHECK) prove $@
# END CLAIM TARGETS

targets: $(STAMP)
	$(PY) bench/make_targets.py

# docs/claims.md, the claim catalog, is generated from the claim files
.PHONY: docs tool-groups
docs: $(STAMP)
	$(SYMCHECK) catalog --output docs/claims.md

# claims/data/tool-groups.yaml from an OpenClaw checkout or mirror: make tool-groups OPENCLAW=PATH
tool-groups: $(STAMP)
	@test -n "$(OPENCLAW)" || { echo "usage: make tool-groups OPENCLAW=PATH (an OpenClaw checkout or mirror)"; exit 2; }
	$(PY) scripts/gen_tool_groups.py --openclaw $(OPENCLAW)
