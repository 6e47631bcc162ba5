# One target per step of .ci/run, which holds the commands (so the two cannot drift apart). `make` runs them all,
# as CI does; `make lint` or `make bench` after `make test` (which creates .venv) runs one.
.PHONY: ci rust data test lint bench fuzz demo develop

ci:
	.ci/run

rust data test lint bench fuzz demo:
	.ci/run $@

# An editable install with the release build of the extension, for working on the code.
develop:
	python3 -m venv .venv
	.venv/bin/pip install --quiet --upgrade pip maturin
	.venv/bin/pip install --quiet -e '.[test,lint]'
	.venv/bin/maturin develop --release
