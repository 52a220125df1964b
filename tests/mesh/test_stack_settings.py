import json
import shutil
from pathlib import Path

import pytest
import yaml

from mesh_components.settings.stack_settings import SettingsError, StackSettings, config_keys, read_settings

ROOT = Path(__file__).resolve().parents[2]


def settings(**raw):
    return read_settings(lambda key: raw.get(key), "dev")


def test_defaults():
    s = settings(topology="config/topology.yaml")
    assert s.envoy_image == "public.ecr.aws/appmesh/aws-appmesh-envoy:v1.29.6.0-prod"
    assert (s.log_retention_days, s.public_cidrs, s.min_task_count, s.deletion_protection) == (
        30, ["0.0.0.0/0"], 0, False)
    assert s.network is None


def test_values_arrive_as_strings_like_pulumi_config():
    s = settings(topology="t.yaml", minTaskCount="2", deletionProtection="true", logRetentionDays="365",
                 network='{"vpcId": "vpc-0abc", "publicSubnetIds": ["subnet-01"], "privateSubnetIds": ["subnet-02"]}')
    assert (s.min_task_count, s.deletion_protection, s.log_retention_days) == (2, True, 365)
    assert s.network.vpc_id == "vpc-0abc" and s.task_count(1) == 2 and s.task_count(5) == 5


@pytest.mark.parametrize("key,value,message", [
    ("envoyImage", "public.ecr.aws/appmesh/aws-appmesh-envoy:latest", "pinned to a version tag"),
    ("envoyImage", "public.ecr.aws/appmesh/aws-appmesh-envoy", "pinned to a version tag"),
    ("envoyImage", "public.ecr.aws/appmesh/aws-appmesh-envoy:v1.15.0.0-prod", "v1.17.2.0-prod and later"),
    ("envoyImage", "public.ecr.aws/appmesh/Envoy:v1.29.6.0-prod", "has repository path component 'Envoy'"),
    ("envoyImage", "docker.io/someone/aws-appmesh-envoy:v1.29.6.0-prod", "is not AWS's Envoy repository"),
    ("envoyImage", "111122223333.dkr.ecr.us-east-1.amazonaws.com/aws-appmesh-envoy:v1.29.6.0-prod",
     "is not AWS's Envoy repository"),
    ("envoyImage", "840364872350.dkr.ecr.cn-north-1.amazonaws.com.cn/aws-appmesh-envoy:v1.29.6.0-prod",
     "is not AWS's Envoy repository"),
    ("logRetentionDays", "31", "CloudWatch accepts"),
    ("publicCidrs", '["not-a-cidr"]', "does not appear to be"),
    ("vpcCidr", "8.8.0.0/16", "private IPv4 block"),
    ("network", '{"vpcId": "vpc-1"}', "color-mesh:network.publicSubnetIds"),
])
def test_bad_settings_name_the_key(key, value, message):
    with pytest.raises(SettingsError) as error:
        settings(topology="t.yaml", **{key: value})
    assert str(error.value).startswith("Pulumi.dev.yaml: color-mesh:")
    assert message in str(error.value)


def test_topology_is_required():
    with pytest.raises(SettingsError, match="color-mesh:topology: Field required"):
        settings()


def test_unknown_keys_are_errors_with_a_did_you_mean():
    with pytest.raises(SettingsError) as error:
        read_settings({"topology": "t.yaml", "minTaskcount": "2"}.get, "dev",
                      present_keys=["topology", "minTaskcount", "deletionProtecton"])
    lines = str(error.value).splitlines()
    assert lines[0] == ("Pulumi.dev.yaml: color-mesh:deletionProtecton: unknown setting (did you mean "
                        "'deletionProtection'?); settings: " + ", ".join(config_keys()))
    assert lines[1].startswith("Pulumi.dev.yaml: color-mesh:minTaskcount: unknown setting (did you mean 'minTaskCount'?)")


def test_every_bad_setting_is_reported_at_once():
    raw = {"topology": "t.yaml", "logRetentionDays": "31", "network": "{not json", "containerInsights": "on"}
    with pytest.raises(SettingsError) as error:
        read_settings(raw.get, "prod", present_keys=[*raw, "envoyimage"])
    text = str(error.value)
    assert len(text.splitlines()) == 4
    for part in ("color-mesh:envoyimage: unknown setting (did you mean 'envoyImage'?)",
                 "color-mesh:network: not valid structured config",
                 "color-mesh:logRetentionDays: CloudWatch accepts 1, 3, 5",
                 "color-mesh:containerInsights: Input should be 'enabled', 'enhanced' or 'disabled'"):
        assert f"Pulumi.prod.yaml: {part}" in text


def test_pulumi_yaml_declares_every_setting_with_the_programs_default_and_description():
    project = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())
    declared = project["config"]
    assert list(declared) == [key for key in config_keys() if key != "network"]  # no object type in project config
    fields = {field.alias or name: field for name, field in StackSettings.model_fields.items()}
    defaults = read_settings({"topology": "t.yaml"}.get, "dev")
    from_declarations = read_settings(
        lambda key: "t.yaml" if key == "topology" else _as_config(declared.get(key, {}).get("default")), "dev")
    assert from_declarations == defaults
    for key, declaration in declared.items():
        assert declaration["type"] in ("string", "integer", "boolean", "array")
        assert declaration["description"] == fields[key].description
        assert ("default" in declaration) == (key != "topology")  # a declared key without default is required


def _as_config(value):
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value)  # how the CLI hands structured and non-string values to the program


def test_the_program_refuses_a_typo_in_a_stack_file(tmp_path, monkeypatch, capsys):
    from mesh_components.cli import main

    shutil.copy(ROOT / "Pulumi.yaml", tmp_path)
    shutil.copy(ROOT / "config" / "topology.yaml", tmp_path / "t.yaml")
    (tmp_path / "Pulumi.dev.yaml").write_text(
        "config:\n  color-mesh:topology: t.yaml\n  color-mesh:minTaskcount: 2\n  color-mesh:deletionProtecton: true\n")
    monkeypatch.chdir(tmp_path)
    assert main(["plan"]) == 1
    err = capsys.readouterr().err
    assert "color-mesh:deletionProtecton: unknown setting (did you mean 'deletionProtection'?)" in err
    assert "color-mesh:minTaskcount: unknown setting (did you mean 'minTaskCount'?)" in err


@pytest.mark.parametrize("image", [
    "public.ecr.aws/appmesh/aws-appmesh-envoy:v1.29.6.0-prod-fips",
    "840364872350.dkr.ecr.eu-west-1.amazonaws.com/aws-appmesh-envoy:v1.29.6.0-prod",
    "919366029133.dkr.ecr.cn-north-1.amazonaws.com.cn/aws-appmesh-envoy:v1.29.6.0-prod",
])
def test_aws_vended_envoy_images_are_accepted_as_the_policy_pack_accepts_them(image):
    assert settings(topology="t.yaml", envoyImage=image).envoy_image == image


def test_the_program_and_the_policy_pack_know_the_same_envoy_repositories():
    """The pack never imports the program, so each keeps its own table; they must agree."""
    from mesh_components.app_mesh import envoy_images
    from policy.color_mesh_policy import ecs as pack

    assert (envoy_images.PUBLIC_REPOSITORY, envoy_images.REGIONAL_ACCOUNT, envoy_images.REGIONAL_ACCOUNTS) == (
        pack.PUBLIC_ENVOY_REPOSITORY, pack.REGIONAL_ENVOY_ACCOUNT, pack.REGIONAL_ENVOY_ACCOUNTS)
