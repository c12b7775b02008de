"""deploy/ cannot run here (no Docker engine), so its manifests are checked against the code:
every service present, commands that name real modules, KEDA consumers that match the durables."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml  # type: ignore[import-untyped]

from appgen.cli.nats_users import deploy_config, password_variable
from appgen.cli.services import BY_NAME, SERVICES
from appgen.events import NatsSettings
from appgen.events.catalog.permissions import ADMIN, ROLES
from appgen.events.catalog.pipeline import BY_SERVICE

pytestmark = pytest.mark.unit

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
K8S = DEPLOY / "k8s"
# The recorder scales too (a hot standby), but reads the stream without a durable consumer.
RECORDER = "recorder"
STAGES = [service.name for service in SERVICES if service.scalable and service.name != RECORDER]
STREAM = NatsSettings.model_fields["stream"].default
DATABASE_USERS = {"gateway", "recorder"}


def consumer_name(service: str) -> str:
    """The durable consumer a stage's worker runs: the name its declaration gives it."""
    return BY_SERVICE[service].service


@cache
def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    return loaded


@cache
def k8s_documents() -> tuple[dict[str, Any], ...]:
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    documents: list[dict[str, Any]] = []
    for name in kustomization["resources"]:
        documents.extend(d for d in yaml.safe_load_all((K8S / name).read_text()) if d)
    return tuple(documents)


def k8s(kind: str) -> dict[str, dict[str, Any]]:
    return {d["metadata"]["name"]: d for d in k8s_documents() if d["kind"] == kind}


def nats_config_text(text: str) -> dict[str, str]:
    """The settings nats.conf sets, flattened (the JetStream and cluster blocks' keys included)."""
    return dict(re.findall(r"^\s*([a-z_]+)\s*:\s*(\S+)\s*$", text, flags=re.MULTILINE))


def nats_routes(text: str) -> list[str]:
    """The cluster routes nats.conf lists, as host:port."""
    return re.findall(r"nats-route://([^\s,\]]+)", text)


def client_urls(nats_url: str) -> list[str]:
    """The servers an `APPGEN_NATS_URL` names, as host:port."""
    return [url.removeprefix("nats://") for url in nats_url.split(",")]


COMPOSE_NATS = ["nats-1", "nats-2", "nats-3"]


# ---- the durable names the manifests rely on ------------------------------------------------


# ---- Docker Compose ------------------------------------------------------------------------


def test_compose_runs_every_service_from_the_one_image() -> None:
    services = compose()["services"]
    for service in SERVICES:
        spec = services[service.name]
        assert spec["command"] == [service.module]
        assert spec["build"]["dockerfile"] == "deploy/Dockerfile"
        # The native stage's image adds Node.js (the Dockerfile's `native` target).
        image = "appgen-native" if service.name == "native" else "appgen"
        assert spec["image"] == f"{image}:latest"
        assert spec["deploy"]["replicas"] >= 1
    assert services["recorder"]["deploy"]["replicas"] == 2
    assert services["screens"]["deploy"]["replicas"] > 1


def test_compose_services_find_nats_and_postgres_by_service_name() -> None:
    services = compose()["services"]
    for service in SERVICES:
        env = services[service.name]["environment"]
        # Every node of the cluster, so a client fails over when one goes.
        assert client_urls(env["APPGEN_NATS_URL"]) == [f"{node}:4222" for node in COMPOSE_NATS]
        assert env["APPGEN_STREAM_REPLICAS"] == str(len(COMPOSE_NATS))
        assert "@postgres:5432/" in env["APPGEN_DATABASE_URL"]
        assert set(services[service.name]["depends_on"]) == {*COMPOSE_NATS, "migrate"}
    user = services["postgres"]["environment"]["POSTGRES_USER"]
    password = services["postgres"]["environment"]["POSTGRES_PASSWORD"]
    assert services["gateway"]["environment"]["APPGEN_DATABASE_URL"].startswith(
        f"postgresql://{user}:{password}@"
    )


def test_compose_gateway_is_published_and_health_checked() -> None:
    gateway = compose()["services"]["gateway"]
    assert "8000:8000" in gateway["ports"]
    assert gateway["environment"]["APPGEN_GATEWAY_PORT"] == "8000"
    assert "/healthz" in " ".join(gateway["healthcheck"]["test"])


def test_compose_every_service_process_serves_metrics_inside_its_container() -> None:
    services = compose()["services"]
    for service in SERVICES:
        spec = services[service.name]
        if service.own_metrics_port:
            port = spec["environment"]["APPGEN_METRICS_PORT"]
            assert port == "9100", service.name
            assert port in spec["expose"], service.name
            # Published on no host port: replicas of one service could not share it.
            assert "ports" not in spec, service.name
        else:
            # The gateway serves /metrics on the port it listens on.
            assert "APPGEN_METRICS_PORT" not in spec["environment"]
            assert "8000:8000" in spec["ports"]


def test_compose_nats_is_a_three_node_cluster_that_fsyncs_every_write() -> None:
    services = compose()["services"]
    text = (DEPLOY / "nats.conf").read_text()
    config = nats_config_text(text)
    assert config["sync_interval"] == "always"
    assert config["store_dir"] == "/data"
    assert config["server_name"] == "$SERVER_NAME"
    port = config["listen"].rsplit(":", 1)[1]
    assert sorted(nats_routes(text)) == [f"{node}:{port}" for node in COMPOSE_NATS]
    assert {name for name in services if name.startswith("nats")} == set(COMPOSE_NATS)
    data_volumes = set()
    for node in COMPOSE_NATS:
        nats = services[node]
        assert "./nats.conf:/etc/nats/nats.conf:ro" in nats["volumes"]
        # JetStream knows a peer by its name: each node's is its own and fixed.
        assert nats["environment"]["SERVER_NAME"] == node
        [data] = [volume for volume in nats["volumes"] if volume.endswith(":/data")]
        data_volumes.add(data.split(":", 1)[0])
        assert nats["restart"] == "unless-stopped"
    assert len(data_volumes) == len(COMPOSE_NATS)
    assert data_volumes <= set(compose()["volumes"])


def test_compose_migrates_before_services_start() -> None:
    migrate = compose()["services"]["migrate"]
    assert migrate["restart"] == "no"
    assert "upgrade_to_head" in migrate["command"][0]
    assert migrate["depends_on"]["postgres"]["condition"] == "service_healthy"


def test_dockerfile_builds_the_locked_workspace_and_runs_a_module() -> None:
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert "uv sync --frozen --all-packages --no-dev" in dockerfile
    assert 'ENTRYPOINT ["python", "-m"]' in dockerfile
    for folder in ("libs", "services", "cli"):
        assert f"COPY {folder} ./{folder}" in dockerfile


# ---- Kubernetes ----------------------------------------------------------------------------


def test_kustomization_lists_every_manifest() -> None:
    listed = set(yaml.safe_load((K8S / "kustomization.yaml").read_text())["resources"])
    on_disk = {p.name for p in K8S.glob("*.yaml")} - {"kustomization.yaml"}
    assert listed == on_disk


def container(deployment: dict[str, Any]) -> dict[str, Any]:
    containers: list[dict[str, Any]] = deployment["spec"]["template"]["spec"]["containers"]
    assert len(containers) == 1
    return containers[0]


def test_every_service_is_a_deployment_running_its_module() -> None:
    deployments = k8s("Deployment")
    for service in SERVICES:
        deployment = deployments[service.name]
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        assert deployment["spec"]["selector"]["matchLabels"].items() <= labels.items()
        main = container(deployment)
        assert main["image"] == ("appgen-native" if service.name == "native" else "appgen")
        assert main["args"] == [service.module]
        assert {"configMapRef": {"name": "appgen-env"}} in main["envFrom"]
        env = {e["name"]: e for e in main["env"]}
        # Only the gateway and the recorder touch the store (and may reach it: network.yaml).
        if service.name in DATABASE_USERS:
            database = env["APPGEN_DATABASE_URL"]
            assert database["valueFrom"]["secretKeyRef"]["name"] == "appgen-database"
        else:
            assert "APPGEN_DATABASE_URL" not in env


@pytest.mark.parametrize("stage", STAGES)
def test_each_stage_scales_on_its_own_consumers_lag(stage: str) -> None:
    scaled = k8s("ScaledObject")[stage]
    assert scaled["apiVersion"] == "keda.sh/v1alpha1"
    assert scaled["spec"]["scaleTargetRef"]["name"] == stage
    assert 1 <= scaled["spec"]["minReplicaCount"] < scaled["spec"]["maxReplicaCount"]
    [trigger] = scaled["spec"]["triggers"]
    assert trigger["type"] == "nats-jetstream"
    assert trigger["metadata"]["stream"] == STREAM
    assert trigger["metadata"]["consumer"] == consumer_name(stage)
    assert int(trigger["metadata"]["lagThreshold"]) >= 1
    # KEDA owns the replica count of a scaled Deployment.
    assert "replicas" not in k8s("Deployment")[stage]["spec"]


def test_keda_reads_lag_from_the_nats_services_monitoring_port() -> None:
    nats_ports = {p["name"]: p["port"] for p in k8s("Service")["nats"]["spec"]["ports"]}
    namespace = yaml.safe_load((K8S / "kustomization.yaml").read_text())["namespace"]
    for scaled in k8s("ScaledObject").values():
        endpoint = scaled["spec"]["triggers"][0]["metadata"]["natsServerMonitoringEndpoint"]
        assert endpoint == f"nats.{namespace}.svc.cluster.local:{nats_ports['monitor']}"


def test_the_recorder_runs_a_hot_standby_and_is_not_autoscaled() -> None:
    recorder = k8s("Deployment")["recorder"]
    assert recorder["spec"]["replicas"] == 2
    assert recorder["spec"]["strategy"]["type"] == "RollingUpdate"
    assert "recorder" not in k8s("ScaledObject")


def test_only_stages_are_autoscaled() -> None:
    assert set(k8s("ScaledObject")) == set(STAGES)
    assert not BY_NAME["gateway"].scalable


def nats_pods() -> list[str]:
    """The pods of the NATS StatefulSet, by the names its headless Service gives them."""
    nats = k8s("StatefulSet")["nats"]
    service = nats["spec"]["serviceName"]
    return [f"nats-{n}.{service}" for n in range(nats["spec"]["replicas"])]


def test_config_points_services_at_every_nats_node_and_the_stream() -> None:
    env = k8s("ConfigMap")["appgen-env"]["data"]
    nats_ports = {p["name"]: p["port"] for p in k8s("Service")["nats"]["spec"]["ports"]}
    assert client_urls(env["APPGEN_NATS_URL"]) == [
        f"{pod}:{nats_ports['client']}" for pod in nats_pods()
    ]
    assert env["APPGEN_STREAM_REPLICAS"] == str(len(nats_pods()))
    assert env["APPGEN_STREAM"] == STREAM
    assert all(isinstance(value, str) for value in env.values())
    secret = k8s("Secret")["appgen-database"]["stringData"]
    assert f":{secret['password']}@postgres:5432/" in secret["url"]


def test_k8s_nats_is_a_three_node_cluster_routed_by_pod_name() -> None:
    text = k8s("ConfigMap")["nats-config"]["data"]["nats.conf"]
    nats = k8s("StatefulSet")["nats"]
    assert nats["spec"]["replicas"] == 3
    # Started together: one node alone cannot elect a JetStream leader and become ready.
    assert nats["spec"]["podManagementPolicy"] == "Parallel"
    service = k8s("Service")["nats"]
    assert service["metadata"]["name"] == nats["spec"]["serviceName"]
    assert service["spec"]["clusterIP"] == "None"
    assert service["spec"]["publishNotReadyAddresses"] is True
    ports = {p["name"]: p["port"] for p in service["spec"]["ports"]}
    assert sorted(nats_routes(text)) == [f"{pod}:{ports['cluster']}" for pod in nats_pods()]
    # The server name is the pod's: stable across restarts, and the host KEDA asks a leader at.
    assert nats_config_text(text)["server_name"] == "$POD_NAME"
    env = {e["name"]: e for e in container(nats)["env"]}
    assert env["POD_NAME"]["valueFrom"]["fieldRef"]["fieldPath"] == "metadata.name"
    budget = k8s("PodDisruptionBudget")["nats"]
    assert budget["spec"]["maxUnavailable"] == 1


def test_k8s_nats_fsyncs_every_write_on_a_persistent_volume() -> None:
    config = nats_config_text(k8s("ConfigMap")["nats-config"]["data"]["nats.conf"])
    assert config["sync_interval"] == "always"
    nats = k8s("StatefulSet")["nats"]
    mounts = {m["name"]: m["mountPath"] for m in container(nats)["volumeMounts"]}
    assert mounts["data"] == config["store_dir"]
    assert nats["spec"]["volumeClaimTemplates"][0]["metadata"]["name"] == "data"


def test_the_gateway_is_reachable_through_service_and_ingress() -> None:
    gateway = k8s("Deployment")["gateway"]
    ports = {p["name"]: p["containerPort"] for p in container(gateway)["ports"]}
    env = k8s("ConfigMap")["appgen-env"]["data"]
    assert ports["http"] == int(env["APPGEN_GATEWAY_PORT"])
    assert container(gateway)["readinessProbe"]["httpGet"]["path"] == "/healthz"
    service = k8s("Service")["gateway"]
    assert service["spec"]["selector"] == gateway["spec"]["selector"]["matchLabels"]
    [rule] = k8s("Ingress")["gateway"]["spec"]["rules"]
    backend = rule["http"]["paths"][0]["backend"]["service"]
    assert backend["name"] == "gateway"
    assert backend["port"]["name"] in {p["name"] for p in service["spec"]["ports"]}


def test_k8s_declares_a_metrics_port_only_where_a_process_listens_on_it() -> None:
    port = int(k8s("ConfigMap")["appgen-env"]["data"]["APPGEN_METRICS_PORT"])
    for name, deployment in k8s("Deployment").items():
        ports = {p["name"]: p["containerPort"] for p in container(deployment).get("ports", [])}
        if name == "gateway":
            # The gateway serves /metrics on its http port, never on APPGEN_METRICS_PORT.
            assert "metrics" not in ports
        elif name in {s.name for s in SERVICES if s.own_metrics_port}:
            assert ports["metrics"] == port, name


def test_the_database_is_migrated_before_readers_and_the_writer_start() -> None:
    for name in ("recorder", "gateway"):
        spec = k8s("Deployment")[name]["spec"]["template"]["spec"]
        [init] = spec["initContainers"]
        assert "upgrade_to_head" in init["args"][0]


# ---- NATS users and who reaches what ---------------------------------------------------------


def test_the_nats_users_file_is_what_the_code_generates() -> None:
    """One file for Compose and Kubernetes; regenerate it with
    `python -m appgen.cli.nats_users > deploy/k8s/nats-users.conf`."""
    text = (K8S / "nats-users.conf").read_text()
    assert text == deploy_config(NatsSettings(stream=STREAM))
    assert "replace-me" not in text
    assert "password: $NATS_PASSWORD_ADMIN" in text


def test_both_nats_configs_include_the_users() -> None:
    assert "include ./nats-users.conf" in (DEPLOY / "nats.conf").read_text()
    assert "include ./nats-users.conf" in k8s("ConfigMap")["nats-config"]["data"]["nats.conf"]
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    [generated] = kustomization["configMapGenerator"]
    assert generated == {"name": "nats-users", "files": ["nats-users.conf"]}
    nats = k8s("StatefulSet")["nats"]
    [config] = [v for v in nats["spec"]["template"]["spec"]["volumes"] if v["name"] == "config"]
    sources = [source["configMap"]["name"] for source in config["projected"]["sources"]]
    assert sources == ["nats-config", "nats-users"]
    assert {"secretRef": {"name": "appgen-nats"}} in container(nats)["envFrom"]


def test_the_nats_secret_holds_only_placeholders_for_every_user() -> None:
    secret = k8s("Secret")["appgen-nats"]["stringData"]
    users = [ADMIN, *ROLES]
    assert set(secret) == {password_variable(user) for user in users}
    for user in users:
        assert secret[password_variable(user)] == f"replace-me-{user}"
    example = (DEPLOY / "env.example").read_text()
    for user in users:
        assert f"{password_variable(user)}=replace-me-{user}" in example
    assert ".env" in (DEPLOY / ".gitignore").read_text().split()


def test_each_k8s_service_connects_as_its_own_nats_user() -> None:
    deployments = k8s("Deployment")
    for service in SERVICES:
        env = {e["name"]: e for e in container(deployments[service.name])["env"]}
        assert env["APPGEN_NATS_USER"]["value"] == service.name
        ref = env["APPGEN_NATS_PASSWORD"]["valueFrom"]["secretKeyRef"]
        assert ref == {"name": "appgen-nats", "key": password_variable(service.name)}


def test_each_compose_service_connects_as_its_own_nats_user() -> None:
    services = compose()["services"]
    for service in SERVICES:
        env = services[service.name]["environment"]
        assert env["APPGEN_NATS_USER"] == service.name
        assert env["APPGEN_NATS_PASSWORD"].startswith(f"${{{password_variable(service.name)}:?")
    for node in COMPOSE_NATS:
        nats = services[node]
        assert "./k8s/nats-users.conf:/etc/nats/nats-users.conf:ro" in nats["volumes"]
        assert {password_variable(user) for user in [ADMIN, *ROLES]} <= set(nats["environment"])


def ingress_from(policy: dict[str, Any], port: int) -> set[str]:
    """The `app.kubernetes.io/name`s of the pods a policy lets reach `port`."""
    names: set[str] = set()
    for rule in policy["spec"]["ingress"]:
        if port not in [p["port"] for p in rule["ports"]]:
            continue
        for peer in rule["from"]:
            selector = peer.get("podSelector", {})
            names.update(selector.get("matchLabels", {}).values())
            for expression in selector.get("matchExpressions", []):
                assert expression["operator"] == "In"
                names.update(expression["values"])
    return names


def test_only_the_services_reach_nats_and_only_gateway_and_recorder_reach_postgres() -> None:
    policies = k8s("NetworkPolicy")
    nats, postgres = policies["nats"], policies["postgres"]
    assert nats["spec"]["podSelector"]["matchLabels"] == {"app.kubernetes.io/name": "nats"}
    assert ingress_from(nats, 4222) == {service.name for service in SERVICES}
    assert ingress_from(nats, 6222) == {"nats"}
    assert postgres["spec"]["podSelector"]["matchLabels"] == {"app.kubernetes.io/name": "postgres"}
    assert ingress_from(postgres, 5432) == DATABASE_USERS
    labels = {
        name: d["spec"]["template"]["metadata"]["labels"]["app.kubernetes.io/name"]
        for name, d in k8s("Deployment").items()
    }
    assert all(labels[service.name] == service.name for service in SERVICES)
