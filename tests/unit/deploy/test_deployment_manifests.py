"""The deployment files are checked by real tools: docker-compose validates the compose file,
kustomize builds every overlay and kubernetes-validate checks the result against the
Kubernetes schemas. Both must run every service of the registry."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from services.kit.registry import SERVICES

REPO = Path(__file__).resolve().parents[3]
KUSTOMIZE = "sigs.k8s.io/kustomize/kustomize/v5@v5.7.1"
OVERLAYS = sorted((REPO / "deploy" / "k8s" / "overlays").iterdir())
COMPOSE_ENV = {
    "RABBITMQ_PASSWORD": "secret",
    "STADTDIALOG_SECRET_KEY": "secret",
    "PUBLIC_URL": "https://stadtdialog.example.org",
    "SMTP_HOST": "mail.example.org",
    "SMTP_SENDER": "Stadtdialog <noreply@example.org>",
}


def _nameko_targets(commands: list[list[str]]) -> set[str]:
    return {c[-1] for c in commands if c[:2] == ["nameko", "run"]}


def test_compose_file_is_valid_and_runs_every_service() -> None:
    compose = shutil.which("docker-compose")
    assert compose, "deploy/local/test installs docker-compose"
    env = {**os.environ, **COMPOSE_ENV}
    rendered = subprocess.run(
        [compose, "-f", str(REPO / "deploy" / "compose.yaml"), "config"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    services = yaml.safe_load(rendered)["services"]
    assert _nameko_targets([s["command"] for s in services.values() if "command" in s]) == set(
        SERVICES.values()
    )
    for name, service in services.items():
        assert "healthcheck" in service, f"{name} has no health check"
    missing = subprocess.run(
        [compose, "-f", str(REPO / "deploy" / "compose.yaml"), "config", "-q"],
        env={k: v for k, v in env.items() if k != "STADTDIALOG_SECRET_KEY"},
        capture_output=True,
        text=True,
    )
    assert missing.returncode != 0 and "STADTDIALOG_SECRET_KEY" in missing.stderr


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    """Every overlay built with kustomize (from the Go module proxy), installed once into the
    test's directory: ``go run`` would link it anew for every overlay."""
    workdir = tmp_path_factory.mktemp("kustomize")
    installed = subprocess.run(
        ["go", "install", KUSTOMIZE],
        cwd=workdir,
        env={**os.environ, "GOFLAGS": "-mod=mod", "GOBIN": str(workdir)},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert installed.returncode == 0, installed.stderr
    outputs = {}
    for overlay in OVERLAYS:
        result = subprocess.run(
            [str(workdir / "kustomize"), "build", str(overlay)],
            cwd=workdir,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert result.returncode == 0, result.stderr
        path = workdir / f"{overlay.name}.yaml"
        path.write_text(result.stdout)
        outputs[overlay.name] = path
    return outputs


def test_overlays_build_and_validate_against_the_kubernetes_schemas(built) -> None:
    validator = Path(sys.executable).parent / "kubernetes-validate"
    for name, path in built.items():
        result = subprocess.run(
            [str(validator), "--strict", "--quiet", str(path)], capture_output=True, text=True
        )
        assert result.returncode == 0, f"{name}: {result.stdout}{result.stderr}"


def test_every_service_runs_with_probes_and_limits(built) -> None:
    for name, path in built.items():
        documents = [d for d in yaml.safe_load_all(path.read_text()) if d]
        deployments = [d for d in documents if d["kind"] == "Deployment"]
        commands = [
            c["command"] for d in deployments for c in d["spec"]["template"]["spec"]["containers"]
        ]
        assert _nameko_targets(commands) == set(SERVICES.values()), name
        for deployment in deployments:
            for container in deployment["spec"]["template"]["spec"]["containers"]:
                assert container["resources"]["requests"] and container["resources"]["limits"]
                assert "readinessProbe" in container and "livenessProbe" in container
                refs = [e.get("secretRef", {}).get("name") for e in container["envFrom"]]
                assert "stadtdialog-secrets" in refs  # secrets by reference, never inline
        assert not [d for d in documents if d["kind"] == "Secret"], "secrets are never committed"
        assert {d["metadata"].get("namespace") for d in documents if d["kind"] != "Namespace"} == {
            f"stadtdialog-{name.split('-')[-1]}"
        }
